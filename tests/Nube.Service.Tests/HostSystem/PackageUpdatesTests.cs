using Nube.Linux.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Nube.Contracts.Events;
using Nube.Contracts.Jobs;
using Nube.Service.Api;
using Nube.Service.Events;
using Nube.Service.HostSystem;
using Nube.Service.Jobs;
using Nube.Service.Tests.Harness;

namespace Nube.Service.Tests.HostSystem;

/// <summary>Debian updates of Nube's packages: listed from apt, installed by a host job with progress, one job at a time.</summary>
// IAsyncLifetime, not IAsyncDisposable: xUnit 2 disposes a test class only through IDisposable or IAsyncLifetime.
public sealed class PackageUpdatesTests : IAsyncLifetime
{
    private const string Upgradable = """
        Listing...
        apt/oldstable-security 2.6.2 amd64 [upgradable from: 2.6.1]
        qemu-utils/bookworm-backports 1:10.0.3+ds-1~bpo12+1 amd64 [upgradable from: 1:10.0.2+ds-2~bpo12+1]
        libssl3/oldstable-security 3.0.22-1~deb12u2 amd64 [upgradable from: 3.0.19-1~deb12u2]
        """;
    private const string Install = "apt-get -q -y -o APT::Status-Fd=1 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold " +
        "install --only-upgrade libssl3 qemu-utils";

    private readonly TempRoot root = new();
    private readonly ScriptedCommands commands = new();
    private readonly EventHub hub = new(TimeProvider.System, Guid.NewGuid());
    private readonly JobStore store;
    private readonly PackageUpdates updates;

    public PackageUpdatesTests()
    {
        Directory.CreateDirectory(root.Paths.AptLists);
        File.WriteAllText(Path.Combine(root.Paths.AptLists, "deb.debian.org_debian_dists_bookworm_InRelease"), "");
        File.WriteAllText(root.Paths.DpkgStatus, "");
        store = new JobStore(root.Root, NullLogger<JobStore>.Instance);
        var book = new JobBook(store, hub, TimeProvider.System, HostSystemEndpoints.ToProblem, _ => throw new InvalidOperationException("no VM"));
        var jobs = new HostJobs(book, HostSystemEndpoints.ToProblem, NullLogger<HostJobs>.Instance);
        updates = new PackageUpdates(root.Paths, commands, jobs, TimeProvider.System, NullLogger<PackageUpdates>.Instance);
        commands.Answer = c => c.ToString() switch
        {
            "apt list --upgradable" => (new CommandResult(0, Upgradable, "WARNING: apt does not have a stable CLI interface."), []),
            Install => (new CommandResult(0, "", ""), ["Reading package lists...", "dlstatus:1:100:Retrieving file 1 of 1",
                "pmstatus:libssl3:50:Unpacking libssl3", "pmstatus:dpkg-exec:100:Running dpkg"]),
            _ => (new CommandResult(100, "", $"E: unexpected '{c}'"), []),
        };
    }

    [Fact]
    public async Task Lists_only_nubes_packages_and_reads_apt_again_only_when_something_changed()
    {
        var listed = await updates.GetAsync(CancellationToken.None);
        Assert.Equal(["libssl3", "qemu-utils"], listed.Packages.Select(p => p.Package));
        Assert.NotNull(listed.ListsUpdatedAt);
        await updates.GetAsync(CancellationToken.None);
        Assert.Single(commands.Calls);
        File.SetLastWriteTimeUtc(root.Paths.DpkgStatus, DateTime.UtcNow.AddMinutes(1));
        await updates.GetAsync(CancellationToken.None);
        Assert.Equal(2, commands.Calls.Count);
    }

    [Fact]
    public async Task Installing_is_a_host_job_with_progress_and_a_result()
    {
        await using var recorder = new EventRecorder(hub);
        var job = updates.Apply();
        await job.Ended.Within("the update job");
        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal((Guid.Empty, HostJobs.Name, PackageUpdates.ApplyKind), (job.VmId, job.Info.VmName, job.Kind));
        Assert.Equal("Installed 2 updates: libssl3 3.0.22-1~deb12u2, qemu-utils 1:10.0.3+ds-1~bpo12+1.", job.Info.Result);
        Assert.Equal(["apt list --upgradable", Install], commands.Calls);
        await Eventually.UntilAsync(() => recorder.All.Any(e => e.Type == HostEventTypes.JobEnded), "the job-ended event");
        var progress = recorder.All.Where(e => e.Type == HostEventTypes.JobProgress && e.Job!.Percent is not null)
            .Select(e => (e.Job!.Phase, e.Job.Percent)).ToList();
        Assert.Equal(
        [
            ("downloading: Retrieving file 1 of 1", 40),
            ("installing: Unpacking libssl3", 70),
            ("installing: Running dpkg", 100),
        ], progress);
    }

    [Fact]
    public async Task With_nothing_to_update_apt_get_is_not_run()
    {
        commands.Answer = _ => (new CommandResult(0, "Listing...\n", ""), []);
        var job = updates.Apply();
        await job.Ended.Within("the update job");
        Assert.Equal("Nothing to install: Nube's packages are up to date.", job.Info.Result);
        Assert.Equal(["apt list --upgradable"], commands.Calls);
    }

    [Fact]
    public async Task A_failed_apt_get_fails_the_job_with_its_words()
    {
        var answer = commands.Answer;
        commands.Answer = c => c.ToString() == Install
            ? (new CommandResult(100, "", "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 42 (apt-get)"), [])
            : answer(c);
        var job = updates.Apply();
        await job.Ended.Within("the update job");
        Assert.Equal(JobStates.Failed, job.Info.State);
        Assert.Equal(502, job.Info.Problem!.Status);
        Assert.Equal($"'{Install}' failed with exit code 100: E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 42 (apt-get)",
            job.Info.Problem.Detail);
    }

    [Fact]
    public async Task One_update_job_at_a_time()
    {
        commands.Gate = new TaskCompletionSource();
        var first = updates.Check();
        var error = Assert.Throws<HostSystemConflictException>(() => updates.Apply());
        Assert.Equal($"An update job is already under way (job {first.Id}, update-check); 'nube job wait {first.Id}' follows it.", error.Message);
        commands.Gate.SetResult();
        await first.Ended.Within("the check job");
        Assert.Equal(JobStates.Failed, first.Info.State); // the script does not know apt-get update
        var second = updates.Apply();
        await second.Ended.Within("the update job");
        Assert.Equal(JobStates.Completed, second.Info.State);
    }

    [Fact]
    public async Task Checking_downloads_the_lists_then_counts_the_updates()
    {
        var answer = commands.Answer;
        commands.Answer = c => c.ToString() == "apt-get -q -o APT::Status-Fd=1 update" ? (new CommandResult(0, "", ""), []) : answer(c);
        var job = updates.Check();
        await job.Ended.Within("the check job");
        Assert.Equal("The package lists are up to date; 2 updates for Nube's packages.", job.Info.Result);
        Assert.Equal(["apt-get -q -o APT::Status-Fd=1 update", "apt list --upgradable"], commands.Calls);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await store.DisposeAsync();
        root.Dispose();
    }
}
