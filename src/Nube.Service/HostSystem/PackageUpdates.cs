using Nube.Linux.Processes;
using Nube.Contracts.HostSystem;
using Nube.Service.Jobs;

namespace Nube.Service.HostSystem;

/// <summary>
/// Debian updates for the packages Nube uses (<see cref="NubePackages"/>): listed from apt's cache
/// (read again only when the package lists or the installed packages changed), downloaded with
/// <c>apt-get update</c> and installed with <c>apt-get install --only-upgrade</c>, each as a host job;
/// one such job at a time.
/// </summary>
public sealed class PackageUpdates(HostSystemPaths paths, IHostCommands commands, HostJobs jobs, TimeProvider clock, ILogger<PackageUpdates> logger)
{
    public const string CheckKind = "update-check";
    public const string ApplyKind = "update-apply";
    private static readonly HostCommand List = new("apt", ["list", "--upgradable"]) { Timeout = TimeSpan.FromMinutes(2) };
    private static readonly IReadOnlyDictionary<string, string> Unattended = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };

    private readonly Lock gate = new(); // guards current, cached and checkedAt
    private Job? current;
    private (DateTime Lists, DateTime Installed, IReadOnlyList<PackageUpdate> Updates)? cached;
    private DateTimeOffset? checkedAt;

    public async Task<HostUpdates> GetAsync(CancellationToken ct)
    {
        var (lists, installed) = (ListsStamp(), File.GetLastWriteTimeUtc(paths.DpkgStatus));
        (DateTime Lists, DateTime Installed, IReadOnlyList<PackageUpdate> Updates)? known;
        DateTimeOffset? checkedLast;
        lock (gate)
            (known, checkedLast) = (cached, checkedAt);
        IReadOnlyList<PackageUpdate> updates;
        if (known is { } k && k.Lists == lists && k.Installed == installed)
        {
            updates = k.Updates;
        }
        else
        {
            var result = (await commands.RunAsync(List, ct).ConfigureAwait(false)).EnsureSuccess(List);
            updates = [.. AptUpgradable.Parse(result.Stdout).Where(u => NubePackages.Contains(u.Package)).OrderBy(u => u.Package, StringComparer.Ordinal)];
            lock (gate)
                cached = (lists, installed, updates);
        }
        DateTimeOffset? downloaded = lists == DateTime.MinValue ? null : new DateTimeOffset(lists, TimeSpan.Zero);
        return new HostUpdates { Packages = updates, ListsUpdatedAt = Latest(downloaded, checkedLast) };
    }

    /// <summary>Downloads the package lists (apt-get update) as a job.</summary>
    public Job Check() => Start(CheckKind, "downloading the package lists", async (job, ct) =>
    {
        var update = new HostCommand("apt-get", ["-q", "-o", "APT::Status-Fd=1", "update"])
        {
            Timeout = TimeSpan.FromMinutes(10), Environment = Unattended,
        };
        (await commands.RunAsync(update, ct, line => Report(job, line)).ConfigureAwait(false)).EnsureSuccess(update);
        lock (gate)
            checkedAt = clock.GetUtcNow();
        var found = (await GetAsync(ct).ConfigureAwait(false)).Packages;
        return found.Count == 0
            ? "The package lists are up to date; Nube's packages need no updates."
            : $"The package lists are up to date; {Count(found.Count)} for Nube's packages.";
    });

    /// <summary>Installs the updates of Nube's packages as a job. Once apt-get runs, it is not stopped: dpkg must not be cut off half-way.</summary>
    public Job Apply() => Start(ApplyKind, "listing the updates", async (job, ct) =>
    {
        var updates = (await GetAsync(ct).ConfigureAwait(false)).Packages;
        if (updates.Count == 0)
            return "Nothing to install: Nube's packages are up to date.";
        ct.ThrowIfCancellationRequested();
        var install = new HostCommand("apt-get",
        [
            "-q", "-y", "-o", "APT::Status-Fd=1", "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold",
            "install", "--only-upgrade", .. updates.Select(u => u.Package),
        ]) { Timeout = TimeSpan.FromMinutes(30), Environment = Unattended };
        logger.LogInformation("Installing updates: {Command}", install);
        (await commands.RunAsync(install, CancellationToken.None, line => Report(job, line)).ConfigureAwait(false)).EnsureSuccess(install);
        return $"Installed {Count(updates.Count)}: {string.Join(", ", updates.Select(u => $"{u.Package} {u.Candidate}"))}.";
    });

    private Job Start(string kind, string phase, Func<Job, CancellationToken, Task<string>> body)
    {
        lock (gate)
        {
            if (current is { IsEnded: false } busy)
                throw new HostSystemConflictException(
                    $"An update job is already under way (job {busy.Id}, {busy.Kind}); 'nube job wait {busy.Id}' follows it.");
            current = jobs.Start(kind, phase, body);
            return current;
        }
    }

    private static void Report(Job job, string line)
    {
        if (AptStatus.Read(line) is { } status)
            job.Report(status.Phase, status.Percent);
    }

    /// <summary>
    /// When apt last downloaded or checked its lists: its lists (whose times may be the mirror's) and
    /// the folder it downloads them through. MinValue when it never downloaded any.
    /// </summary>
    private DateTime ListsStamp()
    {
        if (!Directory.Exists(paths.AptLists))
            return DateTime.MinValue;
        var releases = Directory.EnumerateFiles(paths.AptLists, "*Release").Select(File.GetLastWriteTimeUtc).ToList();
        if (releases.Count == 0)
            return DateTime.MinValue;
        var partial = Path.Combine(paths.AptLists, "partial");
        return new[] { releases.Max(), Directory.GetLastWriteTimeUtc(paths.AptLists), Directory.Exists(partial) ? Directory.GetLastWriteTimeUtc(partial) : DateTime.MinValue }.Max();
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (a > b ? a : b);

    private static string Count(int n) => n == 1 ? "1 update" : $"{n} updates";
}
