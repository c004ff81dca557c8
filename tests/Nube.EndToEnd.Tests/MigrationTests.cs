using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Moving running guests between two hosts on this machine, over TLS on loopback, their disks on a folder both reach.</summary>
public sealed class MigrationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_running_guest_moves_live_with_its_counter_unbroken_and_the_source_forgets_it()
    {
        await using var hosts = await HostPair.StartAsync(output);
        var (a, b) = (hosts.A, hosts.B);
        var vm = await a.Client.CreateVmAsync(NubedHost.GuestSettings("mover", extraAppend: "nube.counter=1") with { NetworkAdapters = [] });
        var id = vm.Summary.Id;
        await a.Client.RunJobAsync("mover", "start", agentWaitSeconds: 120);
        await Poll.UntilAsync(() => Task.FromResult(a.LastCounter(id) >= 3), "the guest's counter to reach 3", TimeSpan.FromSeconds(60));

        var moved = NubeCli.Flat((await NubeCli.OkAsync(a, "vm", "move", "mover", "--to", "b")).Stdout);
        Assert.Matches(@"VM 'mover': Moved to b in [0-9.]+ s; the VM was paused [0-9]+ ms; [0-9.]+ MiB sent in [0-9]+ pass", moved);

        // The source forgot it; the destination runs it, with its id, and its guest agent answers there.
        Assert.Empty(await a.Client.ListVmsAsync());
        Assert.False(Directory.Exists(Path.Combine(a.DataDir, "vms", id.ToString())) && File.Exists(Path.Combine(a.DataDir, "vms", id.ToString(), "vm.json")));
        var there = await b.Client.GetVmAsync("mover");
        Assert.Equal(id, there.Summary.Id);
        Assert.Equal("running", there.Summary.State);
        var atMove = b.LastCounter(id);
        Assert.True(atMove >= 3, $"b's console begins with a's history (its counter at {atMove})");
        await Poll.UntilAsync(() => Task.FromResult(b.LastCounter(id) >= atMove + 3), "the counter to go on at b", TimeSpan.FromSeconds(60));
        // No gap and no repeat across the switch-over: the history from a, then what the guest printed at b.
        var counters = b.SerialLines(id).Where(l => l.StartsWith(TestGuest.CounterPrefix, StringComparison.Ordinal))
            .Select(l => int.Parse(l[TestGuest.CounterPrefix.Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, counters.Count), counters);
        await Poll.UntilAsync(async () => (await b.Client.GetVmAsync("mover", 0)).Summary.Heartbeat == "ok", "the heartbeat to read ok at b",
            TimeSpan.FromSeconds(60));

        var job = (await a.Client.ListJobsAsync()).Single(j => j.Kind == "move");
        Assert.Equal(JobStates.Completed, job.State);
        await b.Client.RunJobAsync("mover", "turn-off");
    }
}
