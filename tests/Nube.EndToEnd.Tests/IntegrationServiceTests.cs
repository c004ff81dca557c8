using System.Diagnostics;
using System.Text.Json;
using Nube.Contracts.Events;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// The integration services against the real guest's qemu-ga: heartbeat, operating system
/// shutdown, time synchronization, backup's freeze, and a guest with no agent at all.
/// </summary>
[Collection(Alone.Name)]
public sealed class IntegrationServiceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>A heartbeat every second that waits two: quick to see, and slow enough for TCG.</summary>
    private static VmSettings Fast(string name, string extraAppend = "") => NubedHost.GuestSettings(name, extraAppend: extraAppend) with
    {
        IntegrationServices = new IntegrationServicesSettings { HeartbeatIntervalSeconds = 1, HeartbeatTimeoutSeconds = 2, TimeSyncIntervalSeconds = 0 },
    };

    /// <summary>
    /// Takes the guest's agent away and makes sure it is gone: the guest's loop does not restart it
    /// while the hold file exists, and a qemu-ga that outlives SIGTERM for a moment (seen once, busy
    /// with a guest-exec) gets SIGKILL. The command fails if an agent still runs.
    /// </summary>
    private const string KillAgent = "touch /run/nube-agent.hold; killall qemu-ga; i=0; "
        + "while pidof qemu-ga >/dev/null && [ $i -lt 20 ]; do usleep 100000; i=$((i+1)); done; "
        + "killall -9 qemu-ga 2>/dev/null; usleep 200000; ! pidof qemu-ga";

    [Fact]
    public async Task Heartbeat_is_ok_then_lost_when_the_agent_dies_then_ok_the_clock_is_set_and_stop_goes_through_the_agent()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.Client.CreateVmAsync(Fast("beating"));
        var id = vm.Summary.Id;
        var synced = new List<HostEvent>();
        using var follow = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            await foreach (var e in host.Client.FollowEventsAsync(ct: follow.Token))
            {
                if (e.VmId == id && e.Type == HostEventTypes.VmTimeSynced)
                    lock (synced)
                        synced.Add(e);
            }
        });
        await host.Client.RunJobAsync("beating", "start", agentWaitSeconds: 60);

        await WaitForAsync(host, "beating", d => d.Summary.Heartbeat == "ok", "the heartbeat reads ok");
        var list = await NubeCli.RunAsync(host, "vm", "list");
        Assert.Matches(@"beating .*running .* OK ", list.Stdout);
        var services = JsonDocument.Parse((await NubeCli.RunAsync(host, "vm", "integration", "list", "beating", "--json")).Stdout).RootElement;
        Assert.Equal("ok", services.EnumerateArray().Single(s => s.GetProperty("service").GetString() == "heartbeat").GetProperty("status").GetString());
        await WaitForAsync(host, "beating", d => d.TimeSync is not null, "the clock is set after the first contact");

        // The guest's clock set years back; a resume sets it from the host's again.
        await GuestShell.RunAsync(host, id, "date -u -s '2020-01-01 00:00:00' >/dev/null");
        var before = (await host.Client.GetVmAsync("beating", 0)).TimeSync!.LastSync;
        await host.Client.RunJobAsync("beating", "pause");
        await host.Client.RunJobAsync("beating", "resume");
        var corrected = await WaitForAsync(host, "beating", d => d.TimeSync!.LastSync > before, "the clock is set after the resume");
        var years = (DateTimeOffset.UtcNow - new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalMilliseconds;
        output.WriteLine($"drift corrected: {corrected.TimeSync!.DriftMilliseconds:0} ms");
        Assert.InRange(corrected.TimeSync.DriftMilliseconds, -years - 60_000, -years + 60_000);
        var guestNow = long.Parse((await GuestShell.RunAsync(host, id, "date +%s")).Trim());
        Assert.InRange(guestNow - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), -3, 3);
        await WaitUntilAsync(() => { lock (synced) return synced.Any(e => e.TimeSync!.DriftMilliseconds < -1e9); }, "the vm-time-synced event");
        var show = await NubeCli.RunAsync(host, "vm", "show", "beating");
        Assert.Contains("Clock last set", show.Stdout);
        Assert.Contains(" s behind", show.Stdout);

        // The agent taken away inside the guest: the heartbeat is lost, the VM runs on; back, it is ok.
        await GuestShell.RunAsync(host, id, KillAgent);
        var killed = Stopwatch.StartNew();
        var lost = await WaitForAsync(host, "beating", d => d.Summary.Heartbeat == "lost-communication", "the heartbeat is lost");
        output.WriteLine($"agent killed to lost communication: {killed.Elapsed.TotalSeconds:0.0} s");
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(10), $"took {killed.Elapsed}");
        Assert.Equal("running", lost.Summary.State);
        Assert.All(lost.IntegrationServices!.Where(s => s.Enabled), s => Assert.Equal("lost-communication", s.Status));
        list = await NubeCli.RunAsync(host, "vm", "list");
        Assert.Matches(@"beating .*running .* Lost communication", list.Stdout);
        await GuestShell.RunAsync(host, id, "rm /run/nube-agent.hold");
        await WaitForAsync(host, "beating", d => d.Summary.Heartbeat == "ok", "the heartbeat is ok again");

        var stop = await NubeCli.RunAsync(host, "vm", "stop", "beating");
        Assert.True(stop.ExitCode == 0, stop.Stderr);
        Assert.Matches(@"^VM 'beating' is off \(stop took .*\)\. The guest shut down through its agent\.$", stop.Stdout.Trim());
        Assert.Contains(host.SerialLines(id), l => l.Contains("nube-guest: shutdown: poweroff"));
        await follow.CancelAsync();
        await watcher.ContinueWith(_ => { });
    }

    [Fact]
    public async Task A_freeze_holds_a_write_until_the_thaw_the_watchdog_thaws_a_forgotten_one_and_a_stop_without_agent_or_button_turns_off()
    {
        await using var host = await NubedHost.StartAsync(output);
        var disk = Path.Combine(host.Root, "data.qcow2");
        using (var p = Process.Start("qemu-img", ["create", "-q", "-f", "qcow2", "-b", TestGuest.DataDisk, "-F", "raw", disk]))
            await p.WaitForExitAsync();
        var vm = await host.Client.CreateVmAsync(Fast("frozen", "nube.acpi=ignore") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = disk }] }],
        });
        var id = vm.Summary.Id;
        await host.Client.RunJobAsync("frozen", "start", agentWaitSeconds: 60);
        await GuestShell.RunAsync(host, id, "mkdir -p /mnt/d && mount /dev/sda /mnt/d");

        var took = Stopwatch.StartNew();
        var freeze = await NubeCli.RunAsync(host, "vm", "freeze", "frozen", "--timeout", "120");
        output.WriteLine($"freeze: {took.Elapsed.TotalSeconds:0.00} s (CLI), {freeze.Stdout.Trim()}");
        Assert.True(freeze.ExitCode == 0, freeze.Stderr);
        Assert.Matches(@"^VM 'frozen' is running \(freeze took .*\)\. Froze 1 file system\(s\) until .* UTC at the latest; 'thaw' thaws them sooner\.$",
            freeze.Stdout.Trim());
        var frozen = await host.Client.GetVmAsync("frozen", 0);
        Assert.Equal("frozen by an operator", frozen.Freeze!.Reason);
        Assert.InRange(frozen.Freeze.ThawDeadline - frozen.Freeze.FrozenSince, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(120));
        Assert.Contains("frozen since", (await NubeCli.RunAsync(host, "vm", "show", "frozen")).Stdout);

        // A write to the frozen disk waits; the shell and the agent's heartbeat do not.
        // In a subshell of its own: the shell's command line must not end in '&'.
        await GuestShell.RunAsync(host, id, "( (echo x > /mnt/d/f && sync && echo done > /tmp/wrote) >/dev/null 2>&1 & )");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal("no", (await GuestShell.RunAsync(host, id, "test -e /tmp/wrote && echo yes || echo no")).Trim());
        Assert.Equal("ok", (await host.Client.GetVmAsync("frozen", 0)).Summary.Heartbeat);

        took.Restart();
        var thaw = await NubeCli.RunAsync(host, "vm", "thaw", "frozen");
        output.WriteLine($"thaw: {took.Elapsed.TotalSeconds:0.00} s (CLI), {thaw.Stdout.Trim()}");
        Assert.True(thaw.ExitCode == 0, thaw.Stderr);
        Assert.EndsWith("Thawed 1 file system(s).", thaw.Stdout.Trim());
        var written = Stopwatch.StartNew();
        await WaitUntilAsync(async () => (await GuestShell.RunAsync(host, id, "test -e /tmp/wrote && echo yes || echo no")).Trim() == "yes",
            "the held write to complete");
        output.WriteLine($"write completed {written.Elapsed.TotalSeconds:0.00} s after the thaw");
        Assert.Null((await host.Client.GetVmAsync("frozen", 0)).Freeze);

        // A freeze nobody thaws: the watchdog does, at its timeout.
        var forgotten = await host.Client.StartFreezeAsync("frozen", 3, 30);
        Assert.Equal("completed", forgotten.State);
        took.Restart();
        await WaitForAsync(host, "frozen", d => d.Freeze is null, "the watchdog to thaw");
        output.WriteLine($"watchdog thawed {took.Elapsed.TotalSeconds:0.00} s after a freeze of 3 s");
        Assert.InRange(took.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
        Assert.Equal("thawed", (await GuestShell.RunAsync(host, id, "echo y > /mnt/d/g && sync && echo thawed")).Trim());

        // The agent gone and the power button ignored: a stop ends in a turn-off at the stop timeout.
        await host.Client.SetHostAsync(new() { StopTimeoutSeconds = 4 });
        await GuestShell.RunAsync(host, id, KillAgent);
        await WaitForAsync(host, "frozen", d => d.Summary.Heartbeat == "lost-communication", "the heartbeat is lost");
        took.Restart();
        var stop = await NubeCli.RunAsync(host, "vm", "stop", "frozen", "--json");
        Assert.True(stop.ExitCode == 0, stop.Stderr);
        Assert.Equal("The guest did not shut down within 4 s, so it was turned off.", JsonDocument.Parse(stop.Stdout).RootElement.GetProperty("result").GetString());
        Assert.InRange(took.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_guest_without_an_agent_reads_no_contact_and_nothing_waits_for_it()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.Client.SetHostAsync(new() { StopTimeoutSeconds = 4 });
        // A shell as the guest's first process: no agent, no ACPI daemon.
        await host.Client.CreateVmAsync(Fast("silent", "rdinit=/bin/sh"));
        await host.Client.RunJobAsync("silent", "start");
        await Task.Delay(TimeSpan.FromSeconds(4));

        var took = Stopwatch.StartNew();
        var details = await host.Client.GetVmAsync("silent", 0);
        var list = await NubeCli.RunAsync(host, "vm", "list");
        var show = await NubeCli.RunAsync(host, "vm", "show", "silent", "--agent-wait", "0");
        output.WriteLine($"vm show (API), vm list and vm show (CLI): {took.Elapsed.TotalSeconds:0.00} s");
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(5), $"took {took.Elapsed}");
        Assert.Equal("running", details.Summary.State);
        Assert.All(details.IntegrationServices!, s => Assert.Equal(s.Enabled ? "no-contact" : "disabled", s.Status));
        Assert.Matches(@"silent .*running .* No contact", list.Stdout);
        Assert.Contains("No contact", show.Stdout);

        took.Restart();
        var freeze = await NubeCli.RunAsync(host, "vm", "freeze", "silent");
        Assert.Equal(1, freeze.ExitCode);
        Assert.Contains("Cannot freeze VM 'silent': guest agent command", freeze.Stderr);
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(10), $"freeze took {took.Elapsed}");

        took.Restart();
        Assert.Equal("saved", (await host.Client.RunJobAsync("silent", "save")).Vm!.State);
        Assert.Equal("running", (await host.Client.RunJobAsync("silent", "start")).Vm!.State);
        output.WriteLine($"save and restore: {took.Elapsed.TotalSeconds:0.00} s");

        took.Restart();
        var stop = await host.Client.RunJobAsync("silent", "stop");
        Assert.Equal("off", stop.Vm!.State);
        Assert.Equal("The guest did not shut down within 4 s, so it was turned off.", stop.Result);
        Assert.InRange(took.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Services_are_switched_by_name_and_bad_names_timeouts_and_states_are_refused_with_their_limits()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.Client.CreateVmAsync(Fast("idle"));

        var off = await NubeCli.RunAsync(host, "vm", "integration", "disable", "idle", "time-sync");
        Assert.True(off.ExitCode == 0, off.Stderr);
        Assert.Equal("Time synchronization of VM 'idle' is disabled (Disabled).", off.Stdout.Trim());
        var on = await NubeCli.RunAsync(host, "vm", "integration", "enable", "idle", "guest-services");
        Assert.Equal("Guest services of VM 'idle' is enabled (No contact).", on.Stdout.Trim());
        var enabled = (await host.Client.GetVmAsync("idle", 0)).Settings!.IntegrationServices!.Enabled;
        Assert.Equal(["heartbeat", "shutdown", "kvp", "guest-services", "backup"], enabled);
        // A change of timings alone keeps the enabled services.
        var timed = await NubeCli.RunAsync(host, "vm", "integration", "set", "idle", "--heartbeat-interval", "5");
        Assert.True(timed.ExitCode == 0, timed.Stderr);
        var settings = (await host.Client.GetVmAsync("idle", 0)).Settings!.IntegrationServices!;
        Assert.Equal((5, 2, 0), (settings.HeartbeatIntervalSeconds, settings.HeartbeatTimeoutSeconds, settings.TimeSyncIntervalSeconds));
        Assert.Equal(enabled, settings.Enabled);

        var unknown = await NubeCli.RunAsync(host, "vm", "integration", "enable", "idle", "hartbeat");
        Assert.Equal(5, unknown.ExitCode);
        Assert.Contains("service: 'hartbeat' is not one of heartbeat, shutdown, time-sync, kvp, guest-services, backup.", unknown.Stderr);
        var tooLong = await NubeCli.RunAsync(host, "vm", "freeze", "idle", "--timeout", "601");
        Assert.Equal(5, tooLong.ExitCode);
        Assert.Contains("timeoutSeconds: 601 is outside the range 1 to 600 seconds", tooLong.Stderr);
        var notRunning = await NubeCli.RunAsync(host, "vm", "freeze", "idle");
        Assert.Equal(4, notRunning.ExitCode);
        Assert.Contains("Cannot freeze VM 'idle': it is off; it must be running.", notRunning.Stderr);
        var badTiming = await NubeCli.RunAsync(host, "host", "set", "--heartbeat-timeout", "0");
        Assert.Equal(5, badTiming.ExitCode);
        Assert.Contains("heartbeatTimeoutSeconds: 0 is outside the range 1 to 300 seconds", badTiming.Stderr);
        var hostSet = await NubeCli.RunAsync(host, "host", "set", "--heartbeat-interval", "2", "--time-sync-interval", "60");
        Assert.True(hostSet.ExitCode == 0, hostSet.Stderr);
        var info = await host.Client.GetHostAsync();
        Assert.Equal((2, 5, 60), (info.HeartbeatIntervalSeconds, info.HeartbeatTimeoutSeconds, info.TimeSyncIntervalSeconds));
    }

    private static async Task<VmDetails> WaitForAsync(NubedHost host, string vm, Func<VmDetails, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var details = await host.Client.GetVmAsync(vm, 0);
            if (condition(details))
                return details;
            if (clock.Elapsed > Limit)
                throw new TimeoutException($"Waited {Limit.TotalSeconds} s for {what}: {JsonSerializer.Serialize(details, Nube.Contracts.ContractsJson.Default.VmDetails)}");
            await Task.Delay(100);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Limit)
                throw new TimeoutException($"Waited {Limit.TotalSeconds} s for {what}.");
            await Task.Delay(200);
        }
    }
}
