using Nube.Cli.Output;
using Nube.Contracts.Client;
using Nube.Contracts.Jobs;
using Spectre.Console;

namespace Nube.Cli.Jobs;

/// <summary>
/// Starts and follows jobs, showing progress on stderr: a live display on a terminal, one line
/// per phase change otherwise. Interrupting (Ctrl+C) only stops the following: the job goes on
/// on the host, since a client that goes away cancels nothing, and the note says how to cancel it.
/// </summary>
public sealed class JobFollower(NubeApiClient client)
{
    /// <summary>
    /// How long each request waits for the job to end. A terminal redraws four times a second; a
    /// log takes fewer requests, at the price of not seeing phases shorter than a second.
    /// </summary>
    private static double PollSeconds => Terminal.LiveProgress ? 0.25 : 1;

    /// <summary>Starts an operation's job; a job that failed or was cancelled within the first wait comes back ended.</summary>
    public Task<JobInfo> StartAsync(string vm, string operation, int? agentWaitSeconds) =>
        // Not cancellable: an interrupted request could leave a job whose id nobody saw. It
        // returns within the poll wait, and a Ctrl+C in the meantime is noticed right after.
        StartAsync(wait => client.StartJobAsync(vm, operation, wait, agentWaitSeconds, CancellationToken.None));

    /// <summary>Starts a job with <paramref name="start"/>, which is given the seconds to wait for its end.</summary>
    public async Task<JobInfo> StartAsync(Func<double, Task<JobInfo>> start)
    {
        try
        {
            return await start(PollSeconds);
        }
        catch (NubeApiException e) when (e.Problem.JobId is { } id)
        {
            // The job's own record tells a cancel from a failure, and --json prints it.
            var ended = await TryGetAsync(id);
            if (ended is null)
                throw;
            return ended;
        }
    }

    /// <summary>Waits for the job to end, with progress; on Ctrl+C, says how to find the job again and rethrows.</summary>
    public async Task<JobInfo> FollowAsync(JobInfo job, CancellationToken ct)
    {
        var latest = job;
        void Seen(JobInfo j) => latest = j;
        try
        {
            return Terminal.LiveProgress ? await LiveAsync(job, Seen, ct) : await PlainAsync(job, Seen, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine(latest.CancelRequested
                ? $"Job {latest.Id} is still ending after its cancel; 'nube job wait {latest.Id}' follows it."
                : $"Still running as job {latest.Id}; 'nube job cancel {latest.Id}' cancels it.");
            throw;
        }
    }

    private async Task<JobInfo> PollAsync(JobInfo job, Action<JobInfo> show, CancellationToken ct)
    {
        show(job);
        while (!JobStates.IsEnded(job.State))
        {
            job = await client.GetJobAsync(job.Id, PollSeconds, ct);
            show(job);
        }
        return job;
    }

    private Task<JobInfo> LiveAsync(JobInfo job, Action<JobInfo> seen, CancellationToken ct)
    {
        if (JobStates.IsEnded(job.State))
            return Task.FromResult(job);
        var status = new JobStatusColumn(job);
        return Terminal.Error.Progress()
            .AutoClear(true) // the final sentence on stdout replaces it
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), status)
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(JobText.Title(job)), maxValue: 100);
                return await PollAsync(job, j =>
                {
                    seen(j);
                    status.Job = j;
                    task.IsIndeterminate = j.Percent is null;
                    task.Value = j.Percent ?? 0;
                }, ct);
            });
    }

    private Task<JobInfo> PlainAsync(JobInfo job, Action<JobInfo> seen, CancellationToken ct)
    {
        (string, string?)? said = null;
        return PollAsync(job, j =>
        {
            seen(j);
            // The sentence on stdout tells the end; the log gets the way there, once per phase.
            if (JobStates.IsEnded(j.State) || said == (j.State, j.Phase))
                return;
            said = (j.State, j.Phase);
            var elapsed = JobText.Duration(DateTimeOffset.UtcNow - j.CreatedAt);
            Console.Error.WriteLine($"{elapsed,8}  {JobText.Title(j)}: {JobText.Progress(j)}");
        }, ct);
    }

    private async Task<JobInfo?> TryGetAsync(Guid id)
    {
        try
        {
            var job = await client.GetJobAsync(id, 0, CancellationToken.None);
            return JobStates.IsEnded(job.State) ? job : null;
        }
        catch (Exception e) when (e is NubeApiException or HttpRequestException)
        {
            return null; // the problem that named it says enough
        }
    }
}
