using System.Globalization;
using Nube.Contracts;
using Nube.Contracts.Client;
using Nube.Contracts.Jobs;

namespace Nube.Cli.Output;

/// <summary>The words the CLI uses for jobs: in progress displays, tables, event lines and final sentences.</summary>
public static class JobText
{
    /// <summary>"start web1", as the progress display and plain lines name a job.</summary>
    public static string Title(JobInfo job) => $"{job.Kind} {job.VmName}";

    /// <summary>"40% restoring memory", "restoring memory", "40%", or the state when the job tells nothing more.</summary>
    public static string Progress(JobInfo job)
    {
        var parts = new List<string>(2);
        if (job.Percent is { } percent)
            parts.Add($"{percent}%");
        if (!string.IsNullOrEmpty(job.Phase))
            parts.Add(job.Phase);
        if (parts.Count == 0 || job.State == JobStates.Queued)
            parts.Insert(0, job.State);
        return string.Join(' ', parts);
    }

    /// <summary>How long the job ran (from its start, or its creation while it never started), or has run so far.</summary>
    public static TimeSpan? Took(JobInfo job, DateTimeOffset now)
    {
        var from = job.StartedAt ?? job.CreatedAt;
        if (job.EndedAt is { } end)
            return end - from;
        return job.StartedAt is null ? null : now - from;
    }

    /// <summary>"0.7 s", "12 s", "3 min 05 s": precise where a person cares, short where not.</summary>
    public static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.Zero)
            t = TimeSpan.Zero; // clocks of client and host may differ a little when the host is remote
        return t.TotalSeconds switch
        {
            < 10 => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} s"),
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0} s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min {t.Seconds:00} s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes:00} min"),
        };
    }

    /// <summary>
    /// The one line a completed operation prints: "VM 'web1' is running (start took 1.4 s).", then
    /// the job's result when it has one.
    /// </summary>
    public static string Completed(JobInfo job, bool agentAnswered = false)
    {
        var took = Took(job, DateTimeOffset.UtcNow) is { } t ? $"{job.Kind} took {Duration(t)}" : job.Kind;
        if (job.Vm is not { } vm)
            return $"The {job.Kind} of VM '{job.VmName}' completed ({took}).";
        var agent = agentAnswered ? " and its guest agent answers" : "";
        // How it ended (which way a stop went, what a freeze holds) follows as its own sentence.
        var result = job.Result is { Length: > 0 } r ? $" {r}" : "";
        return $"VM '{vm.Name}' is {vm.State}{agent} ({took}).{result}";
    }

    /// <summary>Why a cancelled job's command fails: what was cancelled, and why or where it left the VM.</summary>
    public static string Cancelled(JobInfo job)
    {
        var after = job.Problem?.Detail is { Length: > 0 } detail ? $" {detail}"
            : job.Vm is { } vm ? $" VM '{vm.Name}' is {vm.State}." : "";
        return $"the job was cancelled: the {job.Kind} of VM '{job.VmName}' (job {job.Id}).{after}";
    }

    /// <summary>A problem in the words the CLI's error lines use for it.</summary>
    public static string Problem(ApiProblem problem) => new NubeApiException(problem.Status ?? 0, problem).Message;

    /// <summary>Local time of day for today's jobs, with the date for older ones.</summary>
    public static string When(DateTimeOffset? at)
    {
        if (at is not { } t)
            return "-";
        var local = t.ToLocalTime();
        return local.Date == DateTime.Today
            ? local.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }
}
