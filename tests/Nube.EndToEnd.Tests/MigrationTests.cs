using Nube.Contracts.Client;
using Nube.Contracts.Hosts;
using Nube.Contracts.Jobs;
using Nube.Contracts.Switches;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Moving running guests between two hosts on this machine, over TLS on loopback, their disks on a folder both reach.</summary>
public sealed class MigrationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_cancelled_move_leaves_the_guest_at_the_source_then_a_live_move_and_a_quick_move_back_carry_it_with_its_counter_disk_and_network_unbroken()
    {
        await using var hosts = await HostPair.StartAsync(output);
        var (a, b) = (hosts.A, hosts.B);
        // An internal switch of the same name on each host, each with the host's own address on it.
        foreach (var host in new[] { a, b })
            await host.Client.Switches.CreateAsync(new SwitchSettings { Name = "lan", Kind = "internal", HostAddresses = ["10.9.9.1/24"] });
        var disk = Path.Combine(hosts.Shared, "mover.qcow2");
        Assert.Equal(0, (await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "qcow2", disk, "64M")).ExitCode);
        var id = await StartCountingGuestAsync(a, "lan", disk);
        var dev = await GuestShell.ScsiDiskAsync(a, id, 1);
        Assert.Matches("^sd[a-z]+$", dev);
        var before = GuestShell.Sha256(await GuestShell.RunAsync(a, id,
            $"dd if=/dev/urandom of=/dev/{dev} bs=1M count=8 conv=fsync 2>/dev/null; dd if=/dev/{dev} bs=1M count=8 2>/dev/null | sha256sum"));
        // A standard checkpoint (with the guest's memory) goes wherever the VM goes.
        await a.Client.WaitJobAsync((await a.Client.StartCheckpointAsync("mover", new NewCheckpointRequest { Name = "first", Kind = "standard" })).Id);
        var mac = (await a.Client.GetVmAsync("mover", 0)).Settings!.NetworkAdapters!.Single().MacAddress!;
        await SwitchGuests.AddressAsync(a, id, (mac, "10.9.9.10/24"));
        Assert.True(await hosts.NamespaceA.ReachesAsync("10.9.9.10"), "a reaches the guest on its switch");

        // Slowed down to be caught copying, then cancelled: the guest runs on at a, b has nothing.
        await a.Client.SetHostAsync(new HostSettings { MigrationBandwidthMiBps = 2 });
        var slow = await CopyingAsync(a);
        await a.Client.CancelJobAsync(slow.Id);
        var cancelled = await EndedAsync(a, slow.Id);
        Assert.Equal(JobStates.Cancelled, cancelled.State);
        await StaysAtSourceAsync(a, b, id);

        // A host whose edition offers only quick migration refuses a live one, naming the edition.
        await a.Client.SetHostAsync(new HostSettings { MigrationBandwidthMiBps = 8192, Edition = "ws2008r2-standard" });
        var refused = await NubeCli.RunAsync(a, "vm", "move", "mover", "--to", "b");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("edition 'ws2008r2-standard' does not offer live migration", NubeCli.Flat(refused.Stderr), StringComparison.Ordinal);
        // Both hosts on a migration network of their own: the stream goes in the clear.
        await a.Client.SetHostAsync(new HostSettings { Edition = "nube", MigrationEncryption = false });
        await b.Client.SetHostAsync(new HostSettings { MigrationEncryption = false });
        // A writer on the shared disk through the move (and the quick move back).
        await GuestShell.SendAsync(a, id,
            $"(i=0; while [ $i -lt 200 ]; do dd if=/dev/urandom of=/dev/{dev} bs=64k count=1 seek=$((256 + i)) conv=fsync 2>/dev/null; i=$((i+1)); sleep 0.1; done; echo W''ROTE-ALL) &");
        var moved = NubeCli.Flat((await NubeCli.OkAsync(a, "vm", "move", "mover", "--to", "b")).Stdout);
        output.WriteLine(moved);
        Assert.Matches(@"VM 'mover': Moved to b in [0-9.]+ s; the VM was paused [0-9]+ ms; [0-9.]+ MiB sent in [0-9]+ pass(es)?, in the clear\.", moved);

        // The source forgot it; the destination runs it, with its id, and its guest agent answers there.
        Assert.Empty(await a.Client.ListVmsAsync());
        Assert.False(File.Exists(Path.Combine(a.DataDir, "vms", id.ToString(), "vm.json")));
        var there = await b.Client.GetVmAsync("mover");
        Assert.Equal(id, there.Summary.Id);
        Assert.Equal("running", there.Summary.State);
        var atMove = b.LastCounter(id);
        Assert.True(atMove >= 3, $"b's console begins with a's history (its counter at {atMove})");
        await Poll.UntilAsync(() => Task.FromResult(b.LastCounter(id) >= atMove + 3), "the counter to go on at b", Minute);
        // No gap and no repeat across the switch-over: the history from a, then what the guest printed at b.
        Assert.Equal(Enumerable.Range(1, Counters(b, id).Count), Counters(b, id));
        await Poll.UntilAsync(async () => (await b.Client.GetVmAsync("mover", 0)).Summary.Heartbeat == "ok", "the heartbeat to read ok at b", Minute);
        // Its adapter kept its MAC and is on b's switch of the same name, where b reaches the guest at the address it kept.
        Assert.Equal(mac, there.Settings!.NetworkAdapters!.Single().MacAddress);
        Assert.True(Assert.Single((await b.Client.ListCheckpointsAsync("mover")).Checkpoints).HasMemory);
        Assert.False(Directory.Exists(Path.Combine(a.DataDir, "vms", id.ToString(), "checkpoints")));
        Assert.Equal("lan", there.Settings!.NetworkAdapters!.Single().Switch);
        Assert.True(await hosts.NamespaceB.ReachesAsync("10.9.9.10", 3), "b reaches the guest on its switch");
        Assert.Single(await a.Client.ListJobsAsync(), j => j.Kind == "move" && j.State == JobStates.Completed);

        // Quick back to a: the state is saved beside the disk on the shared storage and restored at a from there.
        var quick = NubeCli.Flat((await NubeCli.OkAsync(b, "vm", "move", "mover", "--to", "a", "--quick")).Stdout);
        output.WriteLine(quick);
        Assert.Matches(@"VM 'mover': Moved to a in [0-9.]+ s; the VM was paused [0-9]+ ms; [0-9.]+ MiB saved to the shared storage and restored from it\.", quick);
        Assert.Empty(Directory.GetFiles(hosts.Shared, ".nube-move-*"));
        Assert.Empty(await b.Client.ListVmsAsync());
        Assert.Equal("running", (await a.Client.GetVmAsync("mover", 0)).Summary.State);
        var back = a.LastCounter(id);
        await Poll.UntilAsync(() => Task.FromResult(a.LastCounter(id) >= back + 3), "the counter to go on at a", Minute);
        Assert.Equal(Enumerable.Range(1, Counters(a, id).Count), Counters(a, id));
        // The disk's data is whole, and what the guest wrote through both moves is on the shared file.
        await a.WaitForSerialLineAsync(id, l => l.Contains("WROTE-ALL", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        Assert.Equal(before, GuestShell.Sha256(await GuestShell.RunAsync(a, id, $"echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/{dev} bs=1M count=8 2>/dev/null | sha256sum")));
        var written = GuestShell.Sha256(await GuestShell.RunAsync(a, id, $"dd if=/dev/{dev} bs=64k skip=256 count=200 2>/dev/null | sha256sum"));
        // A VM that came by a quick move moves on live: its QEMU kept none of the state file's settings.
        Assert.Matches(@"Moved to b in [0-9.]+ s; .* in the clear\.", NubeCli.Flat((await NubeCli.OkAsync(a, "vm", "move", "mover", "--to", "b")).Stdout));
        var top = (await b.Client.GetVmAsync("mover", 0)).Settings!.ScsiControllers!.Single().Disks!.Single().Path!;
        await b.Client.RunJobAsync("mover", "turn-off");
        var raw = Path.Combine(a.Root, "check.raw");
        Assert.Equal(written, GuestShell.Sha256(await HostProgram.OutputAsync("sh", "-c",
            $"qemu-img convert -O raw '{top}' '{raw}' && dd if='{raw}' bs=64k skip=256 count=200 2>/dev/null | sha256sum")));
        // The checkpoint taken at a, three moves ago, applies at b: the guest runs on from its memory there.
        var applied = await b.Client.WaitJobAsync((await b.Client.StartApplyCheckpointAsync("mover", "first")).Id);
        Assert.Equal("Applied checkpoint 'first'; the VM runs on from it.", applied.Result);
        Assert.Equal(before, GuestShell.Sha256(await GuestShell.RunAsync(b, id, $"dd if=/dev/{dev} bs=1M count=8 2>/dev/null | sha256sum")));
        await b.Client.RunJobAsync("mover", "turn-off");
    }

    [Fact]
    public async Task Moves_queue_beyond_the_hosts_limit_and_the_guest_stays_at_the_source_when_its_service_restarts_or_the_destinations_QEMU_dies()
    {
        await using var hosts = await HostPair.StartAsync(output);
        var (a, b) = (hosts.A, hosts.B);
        var id = await StartCountingGuestAsync(a);
        await a.Client.CreateVmAsync(NubedHost.GuestSettings("other") with { NetworkAdapters = [], MemoryStartupMiB = 128 });
        await a.Client.RunJobAsync("other", "start");

        // One move at a time: the second waits, and goes once the first is cancelled.
        await a.Client.SetHostAsync(new HostSettings { MigrationBandwidthMiBps = 2, LiveMigrationsAtOnce = 1 });
        var first = await CopyingAsync(a);
        var second = await a.Client.Migrations.MoveAsync("other", new MoveRequest { To = "b" });
        await Poll.UntilAsync(async () => (await a.Client.GetJobAsync(second.Id)).Phase == "waiting for a move to end (at most 1 at once)",
            "the second move to wait", Minute);
        await a.Client.SetHostAsync(new HostSettings { MigrationBandwidthMiBps = 8192 });
        await a.Client.CancelJobAsync(first.Id);
        var queued = await EndedAsync(a, second.Id);
        Assert.Equal(JobStates.Completed, queued.State);
        Assert.EndsWith(", encrypted.", queued.Result, StringComparison.Ordinal);
        Assert.Equal("running", (await b.Client.GetVmAsync("other", 0)).Summary.State);
        await b.Client.RunJobAsync("other", "turn-off");
        await b.Client.RemoveVmAsync("other");
        await StaysAtSourceAsync(a, b, id);
        await a.Client.SetHostAsync(new HostSettings { MigrationBandwidthMiBps = 2 });

        // The source's service killed while QEMU copies: restarted, it cancels the stream, keeps the
        // guest, has b delete its half, and says so in a recover-move job.
        await CopyingAsync(a);
        await a.KillServiceAsync();
        await a.StartServiceAsync();
        await StaysAtSourceAsync(a, b, id);
        var recovered = (await a.Client.ListJobsAsync()).Single(j => j.Kind == "recover-move");
        Assert.Contains("stays on this host", recovered.Result, StringComparison.Ordinal);
        Assert.Contains("The host service restarted", (await a.Client.ListJobsAsync()).Single(j => j.Kind == "move" && j.State == JobStates.Failed).Problem!.Title,
            StringComparison.Ordinal);

        // The destination's QEMU killed mid-copy: the move fails with what happened, the guest runs on at a.
        var killed = await CopyingAsync(a);
        var incoming = b.QemuPid(id) ?? throw new InvalidOperationException("b has no QEMU for the incoming VM");
        System.Diagnostics.Process.GetProcessById(incoming).Kill();
        var failed = await EndedAsync(a, killed.Id);
        Assert.Equal(JobStates.Failed, failed.State);
        Assert.Contains("did not move to b", failed.Problem!.Detail, StringComparison.Ordinal);
        Assert.Contains("runs here as before", failed.Problem!.Detail, StringComparison.Ordinal);
        await StaysAtSourceAsync(a, b, id);
        await a.Client.RunJobAsync("mover", "turn-off");
    }

    [Fact]
    public async Task The_guest_stays_at_the_source_when_the_destinations_host_service_restarts_or_the_link_is_cut_mid_copy_then_moves_with_its_disk()
    {
        await using var hosts = await HostPair.StartAsync(output);
        var (a, b) = (hosts.A, hosts.B);
        // On the shared storage for the moves that leave it there; the last move copies it into b's own folder.
        var disk = Path.Combine(hosts.Shared, "mover.qcow2");
        var there = Directory.CreateDirectory(Path.Combine(b.Root, "disks")).FullName;
        Assert.Equal(0, (await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "qcow2", disk, "64M")).ExitCode);
        var id = await StartCountingGuestAsync(a, disk: disk);
        await a.Client.SetHostAsync(new HostSettings { MigrationBandwidthMiBps = 2 });

        var move = await CopyingAsync(a);
        await b.KillServiceAsync();
        await b.StartServiceAsync();
        var failed = await EndedAsync(a, move.Id);
        Assert.Equal(JobStates.Failed, failed.State);
        await StaysAtSourceAsync(a, b, id);
        var recovered = (await b.Client.ListJobsAsync()).Single(j => j.Kind == "recover-move");
        Assert.Contains("did not move here", recovered.Result, StringComparison.Ordinal);

        // The link between the hosts cut mid-copy: with no byte moving for 15 s, the source gives the
        // move up (its guest runs on) and the destination its half, each on its own.
        var cut = await CopyingAsync(a);
        await hosts.NamespaceA.OkAsync("ip", "link", "set", "dev", hosts.LinkA, "down");
        var stalled = await EndedAsync(a, cut.Id);
        Assert.Equal(JobStates.Failed, stalled.State);
        Assert.Contains("its stream moved nothing for 15 s", stalled.Problem!.Detail, StringComparison.Ordinal);
        await StaysAtSourceAsync(a, b, id);
        await hosts.NamespaceA.OkAsync("ip", "link", "set", "dev", hosts.LinkA, "up");

        // Shared-nothing, cancelled once the disk is copied and the memory goes: b deletes the copy it made, a's disk is untouched.
        var withStorage = new MoveRequest { To = "b", WithStorage = true, StorageFolder = there };
        var cancelled = await CopyingAsync(a, withStorage);
        await a.Client.CancelJobAsync(cancelled.Id);
        Assert.Equal(JobStates.Cancelled, (await EndedAsync(a, cancelled.Id)).State);
        await StaysAtSourceAsync(a, b, id);
        Assert.Empty(Directory.GetFiles(there));
        await a.Client.SetHostAsync(new HostSettings { MigrationBandwidthMiBps = 8192 });

        // Then moved with its disk while the guest writes to it: the copy at b holds what it had and what it wrote, a's file is gone.
        var dev = await GuestShell.ScsiDiskAsync(a, id, 1);
        var before = GuestShell.Sha256(await GuestShell.RunAsync(a, id,
            $"dd if=/dev/urandom of=/dev/{dev} bs=1M count=8 conv=fsync 2>/dev/null; dd if=/dev/{dev} bs=1M count=8 2>/dev/null | sha256sum"));
        await GuestShell.SendAsync(a, id,
            $"(i=0; while [ $i -lt 150 ]; do dd if=/dev/urandom of=/dev/{dev} bs=64k count=1 seek=$((256 + i)) conv=fsync 2>/dev/null; i=$((i+1)); sleep 0.05; done; echo W''ROTE-ALL) &");
        var moved = NubeCli.Flat((await NubeCli.OkAsync(a, "vm", "move", "mover", "--to", "b", "--with-storage", "--storage-folder", there)).Stdout);
        output.WriteLine(moved);
        Assert.Matches(@"Moved to b in [0-9.]+ s; the VM was paused [0-9]+ ms; .*, encrypted\.", moved);
        Assert.False(File.Exists(disk));
        var copy = Path.Combine(there, "mover.qcow2");
        Assert.Equal(copy, (await b.Client.GetVmAsync("mover", 0)).Settings!.ScsiControllers!.Single().Disks!.Single().Path);
        await b.WaitForSerialLineAsync(id, l => l.Contains("WROTE-ALL", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        Assert.Equal(before, GuestShell.Sha256(await GuestShell.RunAsync(b, id, $"echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/{dev} bs=1M count=8 2>/dev/null | sha256sum")));
        var written = GuestShell.Sha256(await GuestShell.RunAsync(b, id, $"dd if=/dev/{dev} bs=64k skip=256 count=150 2>/dev/null | sha256sum"));
        Assert.Equal(Enumerable.Range(1, Counters(b, id).Count), Counters(b, id));
        await b.Client.RunJobAsync("mover", "turn-off");
        var raw = Path.Combine(b.Root, "check.raw");
        Assert.Equal(written, GuestShell.Sha256(await HostProgram.OutputAsync("sh", "-c",
            $"qemu-img convert -O raw '{copy}' '{raw}' && dd if='{raw}' bs=64k skip=256 count=150 2>/dev/null | sha256sum")));
    }

    /// <summary>A guest printing a counter every second on a, with an adapter on the switch named, or none, and the disk given, or none.</summary>
    private static async Task<Guid> StartCountingGuestAsync(NubedHost a, string? lan = null, string? disk = null)
    {
        var vm = await a.Client.CreateVmAsync(NubedHost.GuestSettings("mover", extraAppend: "nube.counter=1") with
        {
            NetworkAdapters = lan is null ? [] : [new NetworkAdapterSettings { Kind = "synthetic", Switch = lan }],
            ScsiControllers = disk is null ? [] : [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 1, Path = disk }] }],
        });
        await a.Client.RunJobAsync("mover", "start", agentWaitSeconds: 120);
        await Poll.UntilAsync(() => Task.FromResult(a.LastCounter(vm.Summary.Id) >= 3), "the guest's counter to reach 3", Minute);
        return vm.Summary.Id;
    }

    /// <summary>Starts a move to b (or the one given) and returns its job once it is copying memory.</summary>
    private static async Task<JobInfo> CopyingAsync(NubedHost a, MoveRequest? move = null)
    {
        var job = await a.Client.Migrations.MoveAsync("mover", move ?? new MoveRequest { To = "b" });
        await Poll.UntilAsync(async () => (await a.Client.GetJobAsync(job.Id)) is { Phase: { } phase, Percent: > 1 } && phase.StartsWith("copying memory", StringComparison.Ordinal),
            "the move to copy memory", Minute);
        return job;
    }

    /// <summary>The guest runs at a, counting on, and b has nothing of it left.</summary>
    private static async Task StaysAtSourceAsync(NubedHost a, NubedHost b, Guid id)
    {
        await Poll.UntilAsync(async () => (await a.Client.GetVmAsync("mover", 0)).Summary.State == "running", "the guest to run at a", Minute);
        await Poll.UntilAsync(async () => (await b.Client.ListVmsAsync()).Count == 0, "b to delete the VM it made", Minute);
        Assert.False(File.Exists(Path.Combine(b.DataDir, "vms", id.ToString(), "vm.json")));
        var counter = a.LastCounter(id);
        await Poll.UntilAsync(() => Task.FromResult(a.LastCounter(id) >= counter + 2), "the counter to go on at a", Minute);
    }

    private static async Task<JobInfo> EndedAsync(NubedHost host, Guid job)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var info = await host.Client.GetJobAsync(job, 30);
            if (JobStates.IsEnded(info.State))
                return info;
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"job {job} did not end: {info.Phase}");
        }
    }

    /// <summary>Every counter the console shows, also those a shell's echo shares a line with.</summary>
    private static List<int> Counters(NubedHost host, Guid id) =>
        [.. System.Text.RegularExpressions.Regex.Matches(string.Join('\n', host.SerialLines(id)), $"{TestGuest.CounterPrefix}([0-9]+)")
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
}
