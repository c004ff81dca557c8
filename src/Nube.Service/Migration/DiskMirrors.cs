using System.Text.Json;
using System.Text.Json.Nodes;
using Nube.Core.Migration;
using Nube.Qemu.Protocol;

namespace Nube.Service.Migration;

/// <summary>
/// A shared-nothing move's disk copies at the source: each disk mirrored (write-blocking, so the
/// copy converges however busy the disk) into the destination's NBD export of it, over a
/// connection nubed makes and hands to QEMU, TLS with the move's key. The memory follows once
/// every copy is whole; with the guest paused after it, each copy is ended as it stands (a
/// cancelled ready mirror leaves its target the same as its source) and its node removed.
/// </summary>
public sealed class DiskMirrors(QmpClient qmp, IReadOnlyList<(string Disk, string Node)> disks, string peer)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private readonly List<string> added = [], started = [];

    /// <summary>The prefix of a move's mirror jobs: recovery ends those a restarted host finds.</summary>
    public const string JobPrefix = "nube-move-";

    private static string Job(string disk) => JobPrefix + disk;
    private static string Target(string disk) => $"nube-move-{disk}-nbd";

    public async Task StartAsync(string host, int port, string? tls, CancellationToken ct)
    {
        foreach (var (disk, node) in disks)
        {
            var fd = $"nube-nbd-{disk}";
            using (var socket = await MoveSockets.ConnectAsync(peer, host, port, $"the copy of disk {disk}", ct).ConfigureAwait(false))
                await qmp.GetFdAsync(fd, socket.SafeHandle, ct).ConfigureAwait(false);
            var target = new JsonObject
            {
                ["driver"] = "nbd", ["node-name"] = Target(disk), ["export"] = disk,
                ["server"] = new JsonObject { ["type"] = "fd", ["str"] = fd },
            };
            if (tls is not null)
                target["tls-creds"] = tls;
            await qmp.ExecuteAsync("blockdev-add", target, ct: ct).ConfigureAwait(false);
            added.Add(disk);
            await qmp.ExecuteAsync("blockdev-mirror", new JsonObject
            {
                ["job-id"] = Job(disk), ["device"] = node, ["target"] = Target(disk), ["sync"] = "full", ["copy-mode"] = "write-blocking",
                ["auto-dismiss"] = false,
            }, ct: ct).ConfigureAwait(false);
            started.Add(disk);
        }
    }

    /// <summary>Until every copy is whole (its mirror ready), reporting bytes copied of all; a copy that fails, or none moving for the stall limit, ends the move.</summary>
    public async Task WaitReadyAsync(Action<long, long> progress, TimeProvider clock, CancellationToken ct)
    {
        var stall = new StreamStall(StreamStall.DefaultLimit);
        while (true)
        {
            var jobs = await JobsAsync().ConfigureAwait(false);
            long done = 0, total = 0;
            var ready = 0;
            foreach (var disk in started)
            {
                var job = Find(jobs, Job(disk)) ?? throw new MoveFailedException($"QEMU has no copy of disk {disk} any more");
                if (job.TryGetProperty("error", out var error))
                    throw new MoveFailedException($"the copy of disk {disk} to {peer} failed: {error.GetString()}");
                done += job.GetProperty("current-progress").GetInt64();
                total += job.GetProperty("total-progress").GetInt64();
                if (job.GetProperty("status").GetString() is "ready" or "standby")
                    ready++;
            }
            progress(done, total);
            if (ready == started.Count)
                return;
            if (stall.Stalled(done, clock.GetUtcNow()))
                throw new MoveFailedException($"the copy of the disks to {peer} moved nothing for {stall.Limit.TotalSeconds:0} s (the link cut, or {peer} down)");
            await Task.Delay(Poll, ct).ConfigureAwait(false);
        }
    }

    /// <summary>With the memory sent and the guest paused: each copy, still whole, ended as it stands.</summary>
    /// <exception cref="MoveFailedException">A copy is no longer whole: the destination's disks cannot be trusted.</exception>
    public async Task CompleteAsync()
    {
        var jobs = await JobsAsync().ConfigureAwait(false);
        foreach (var disk in started)
            if (Find(jobs, Job(disk)) is not { } job || job.GetProperty("status").GetString() is not ("ready" or "standby"))
                throw new MoveFailedException($"the copy of disk {disk} to {peer} did not stay whole to the end");
        await EndAsync(force: false).ConfigureAwait(false);
    }

    /// <summary>The move given up: every copy stopped where it is, its node removed; the VM's disks are untouched.</summary>
    public Task AbandonAsync() => EndAsync(force: true);

    private async Task EndAsync(bool force)
    {
        foreach (var disk in started)
        {
            try
            {
                // Not forced, a ready mirror ends with its target the same as its source.
                await qmp.ExecuteAsync("block-job-cancel", new JsonObject { ["device"] = Job(disk), ["force"] = force }).ConfigureAwait(false);
            }
            catch (QmpCommandException)
            {
                // It ended already.
            }
        }
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(30); waited += Poll)
        {
            var jobs = await JobsAsync().ConfigureAwait(false);
            if (started.All(d => Find(jobs, Job(d)) is not { } j || j.GetProperty("status").GetString() is "concluded" or "null"))
                break;
            await Task.Delay(Poll).ConfigureAwait(false);
        }
        foreach (var disk in started)
            await IgnoringErrorAsync("job-dismiss", new JsonObject { ["id"] = Job(disk) }).ConfigureAwait(false);
        foreach (var disk in added)
            await IgnoringErrorAsync("blockdev-del", new JsonObject { ["node-name"] = Target(disk) }).ConfigureAwait(false);
        started.Clear();
        added.Clear();
    }

    /// <summary>What a host restarted mid-copy finds: every move's copy in this QEMU stopped and its node removed.</summary>
    public static async Task AbandonAllAsync(QmpClient qmp, string peer)
    {
        var jobs = await qmp.ExecuteAsync("query-jobs").ConfigureAwait(false);
        var disks = jobs.EnumerateArray().Select(j => j.GetProperty("id").GetString()!).Where(id => id.StartsWith(JobPrefix, StringComparison.Ordinal))
            .Select(id => id[JobPrefix.Length..]).ToList();
        var mirrors = new DiskMirrors(qmp, [], peer);
        mirrors.started.AddRange(disks);
        mirrors.added.AddRange(disks);
        await mirrors.AbandonAsync().ConfigureAwait(false);
    }

    private async Task IgnoringErrorAsync(string command, JsonObject arguments)
    {
        try
        {
            await qmp.ExecuteAsync(command, arguments).ConfigureAwait(false);
        }
        catch (QmpCommandException)
        {
            // Already gone.
        }
    }

    private static JsonElement? Find(Dictionary<string, JsonElement> jobs, string id) => jobs.TryGetValue(id, out var job) ? job : null;

    private async Task<Dictionary<string, JsonElement>> JobsAsync()
    {
        var jobs = await qmp.ExecuteAsync("query-jobs").ConfigureAwait(false);
        return jobs.EnumerateArray().ToDictionary(j => j.GetProperty("id").GetString()!, j => j.Clone());
    }
}
