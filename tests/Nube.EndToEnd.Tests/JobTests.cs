using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Nube.Contracts.Events;
using Nube.Contracts.Jobs;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Lifecycle operations as jobs on the real guest: progress, results, cancels and restarts.</summary>
public sealed class JobTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_start_is_a_job_with_progress_and_a_result_through_the_api_and_the_cli()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("worker");
        using var raw = host.RawHttp();
        using var response = await raw.PostAsync("api/v1/vms/worker/start?agentWait=60", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var id = Guid.Parse(accepted.GetProperty("id").GetString()!);
        Assert.Equal($"/api/v1/jobs/{id}", response.Headers.Location?.OriginalString);

        var phases = new List<string>();
        JobInfo job;
        var clock = Stopwatch.StartNew();
        while (!JobStates.IsEnded((job = await host.Client.GetJobAsync(id, 0.1)).State) && clock.Elapsed < Limit)
        {
            if (job.Phase is { } phase && !phases.Contains(phase))
                phases.Add(phase);
        }
        Assert.Equal(JobStates.Completed, job.State);
        Assert.Equal("running", job.Vm!.State);
        Assert.Equal(100, job.Percent);
        Assert.Contains("waiting for the guest agent", phases);
        Assert.NotNull(job.StartedAt);
        Assert.True(job.EndedAt >= job.StartedAt);

        var stop = await NubeCli.RunAsync(host, "vm", "stop", "worker", "--json");
        Assert.True(stop.ExitCode == 0, stop.Stderr);
        var stopped = JsonDocument.Parse(stop.Stdout).RootElement;
        Assert.Equal("stop", stopped.GetProperty("kind").GetString());
        Assert.Equal("completed", stopped.GetProperty("state").GetString());
        Assert.Equal("off", stopped.GetProperty("vm").GetProperty("state").GetString());

        var list = await NubeCli.RunAsync(host, "job", "list", "--json");
        Assert.True(list.ExitCode == 0, list.Stderr);
        var kinds = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Select(j => j.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["stop", "start"], kinds);
    }

    [Fact]
    public async Task A_cancelled_start_leaves_the_vm_off_with_no_qemu()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("impatient");
        var job = await host.Client.StartJobAsync("impatient", "start", agentWaitSeconds: 60);
        await WaitForPhaseAsync(host, job.Id, "waiting for the guest agent");
        var pid = host.QemuPid(vm.Summary.Id)!.Value;

        var cancel = await NubeCli.RunAsync(host, "job", "cancel", job.Id.ToString(), "--json");
        Assert.True(cancel.ExitCode == 0, cancel.Stderr);

        var ended = await host.Client.GetJobAsync(job.Id, 30);
        Assert.Equal(JobStates.Cancelled, ended.State);
        Assert.Equal("The start of VM 'impatient' was cancelled; the VM is off.", ended.Problem!.Detail);
        Assert.Equal("off", (await host.Client.GetVmAsync("impatient", 0)).Summary.State);
        Assert.False(NubedHost.ProcessAlive(pid));
        Assert.False(Directory.Exists(Path.Combine(host.RunDir, "vms", vm.Summary.Id.ToString())));
    }

    [Fact]
    public async Task A_cancelled_stop_leaves_the_vm_running()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("stubborn", extraAppend: "nube.acpi=ignore");
        // The power button alone: through its agent, the guest would shut down.
        await host.Client.SetIntegrationServiceAsync("stubborn", "shutdown", false);
        await host.Client.RunJobAsync("stubborn", "start", agentWaitSeconds: 60);
        var pid = host.QemuPid(vm.Summary.Id)!.Value;
        var job = await host.Client.StartJobAsync("stubborn", "stop");
        await WaitForPhaseAsync(host, job.Id, "waiting for the guest to shut down");

        await host.Client.CancelJobAsync(job.Id);

        var ended = await host.Client.GetJobAsync(job.Id, 30);
        Assert.Equal(JobStates.Cancelled, ended.State);
        Assert.Equal("running", ended.Vm!.State);
        var details = await host.Client.GetVmAsync("stubborn", 10);
        Assert.Equal("running", details.Summary.State);
        Assert.Equal(pid, details.ProcessId);
        Assert.True(details.GuestAgent?.Responding, details.GuestAgent?.Error);
    }

    [Fact]
    public async Task A_cancelled_save_leaves_the_vm_running_with_its_processors_resumed()
    {
        await using var host = await NubedHost.StartAsync(output);
        // 1 MiB/s makes the save take long enough to cancel it half-way.
        await host.Client.SetHostAsync(new() { MigrationBandwidthMiBps = 1 });
        var vm = await host.CreateGuestVmAsync("keeper", extraAppend: "nube.counter=1");
        await host.Client.RunJobAsync("keeper", "start", agentWaitSeconds: 60);
        var job = await host.Client.StartJobAsync("keeper", "save");
        await WaitForPhaseAsync(host, job.Id, "saving memory");

        await host.Client.CancelJobAsync(job.Id);

        var ended = await host.Client.GetJobAsync(job.Id, 30);
        Assert.Equal(JobStates.Cancelled, ended.State);
        Assert.Equal("running", (await host.Client.GetVmAsync("keeper", 0)).Summary.State);
        var folder = Path.Combine(host.DataDir, "vms", vm.Summary.Id.ToString());
        Assert.False(File.Exists(Path.Combine(folder, "saved.state")));
        Assert.False(File.Exists(Path.Combine(folder, "saved.state.partial")));
        // The processors run: the guest's clock-driven counter moves on.
        var counter = host.LastCounter(vm.Summary.Id);
        await WaitUntilAsync(() => host.LastCounter(vm.Summary.Id) > counter, "the guest's counter to move on");
    }

    [Fact]
    public async Task A_client_that_goes_away_mid_start_cancels_nothing()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("orphan");
        using (var raw = host.RawHttp())
        using (var gone = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                raw.PostAsync("api/v1/vms/orphan/start?wait=60&agentWait=60", null, gone.Token));
        }
        var job = (await host.Client.ListJobsAsync("orphan")).Single();
        var ended = await host.Client.WaitJobAsync(job.Id);
        Assert.Equal(JobStates.Completed, ended.State);
        Assert.Equal("running", (await host.Client.GetVmAsync("orphan", 0)).Summary.State);
    }

    [Fact]
    public async Task The_event_stream_shows_the_vm_going_off_starting_running_stopping_off()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("watched");
        using var follow = new CancellationTokenSource(Limit);
        var states = new List<string>();
        var jobEnds = new List<string>();
        var watcher = Task.Run(async () =>
        {
            await foreach (var e in host.Client.FollowEventsAsync(ct: follow.Token))
            {
                if (e.VmId != vm.Summary.Id)
                    continue;
                if (e.Type == HostEventTypes.VmStateChanged)
                    states.Add($"{e.PreviousState}->{e.State}");
                if (e.Type == HostEventTypes.JobEnded)
                    jobEnds.Add($"{e.Job!.Kind}:{e.Job.State}");
                if (states.LastOrDefault() == "stopping->off" && jobEnds.Count == 2)
                    return;
            }
        }, follow.Token);
        await Task.Delay(300);

        await host.Client.RunJobAsync("watched", "start", agentWaitSeconds: 60);
        await host.Client.RunJobAsync("watched", "stop");
        await watcher.WaitAsync(Limit);

        Assert.Equal(["off->starting", "starting->running", "running->stopping", "stopping->off"], states);
        Assert.Equal(["start:completed", "stop:completed"], jobEnds);
    }

    [Fact]
    public async Task Nube_events_prints_each_event_of_the_vm_as_it_happens()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("told");
        await host.CreateGuestVmAsync("untold");
        using var follower = NubeCli.Start(host, "events", "--vm", "told", "--json");
        try
        {
            // The follower is a new process: give it time to subscribe before anything happens.
            await Task.Delay(TimeSpan.FromSeconds(2));
            await host.Client.RunJobAsync("untold", "start");
            await host.Client.RunJobAsync("told", "start", agentWaitSeconds: 60);
            await host.Client.RunJobAsync("told", "turn-off");

            var states = new List<string>();
            using var limit = new CancellationTokenSource(Limit);
            while (states.LastOrDefault() != "stopping->off")
            {
                var line = await follower.StandardOutput.ReadLineAsync(limit.Token)
                    ?? throw new InvalidOperationException($"nube events ended: {await follower.StandardError.ReadToEndAsync()}");
                var e = JsonDocument.Parse(line).RootElement;
                Assert.Equal("told", e.GetProperty("vmName").GetString());
                if (e.GetProperty("type").GetString() == HostEventTypes.VmStateChanged)
                    states.Add($"{e.GetProperty("previousState").GetString()}->{e.GetProperty("state").GetString()}");
            }
            Assert.Equal(["off->starting", "starting->running", "running->stopping", "stopping->off"], states);
        }
        finally
        {
            follower.Kill();
            await follower.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task A_job_under_way_when_nubed_is_killed_reads_failed_and_the_vm_is_what_qemu_is()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("interrupted");
        var job = await host.Client.StartJobAsync("interrupted", "start", agentWaitSeconds: 60);
        await WaitForPhaseAsync(host, job.Id, "waiting for the guest agent");
        var pid = host.QemuPid(vm.Summary.Id)!.Value;

        await host.KillServiceAsync();
        await host.StartServiceAsync();

        var after = await host.Client.GetJobAsync(job.Id);
        Assert.Equal(JobStates.Failed, after.State);
        Assert.Equal("The host service restarted", after.Problem!.Title);
        Assert.Equal("running", after.Vm!.State);
        var details = await host.Client.GetVmAsync("interrupted", 60);
        Assert.Equal("running", details.Summary.State);
        Assert.Equal(pid, details.ProcessId);
        Assert.True(details.GuestAgent?.Responding, details.GuestAgent?.Error);
    }

    private static async Task WaitForPhaseAsync(NubedHost host, Guid job, string phase)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var now = await host.Client.GetJobAsync(job);
            if (now.Phase == phase && now.State == JobStates.Running)
                return;
            if (JobStates.IsEnded(now.State) || clock.Elapsed > Limit)
                throw new InvalidOperationException($"Job {job} never reached '{phase}': it is {now.State}, {now.Phase}.");
            await Task.Delay(50);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Limit)
                throw new TimeoutException($"Waited {Limit.TotalSeconds} s for {what}.");
            await Task.Delay(100);
        }
    }
}
