using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Linux.Network;
using Nube.Linux.Processes;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Metering;

/// <summary>
/// Reads one VM's counters from where each is kept: processor time and memory from the kernel's
/// accounting of its QEMU, disk counters from QEMU (<c>query-blockstats</c>), network counters
/// from the TAP's kernel counters, or, for user-mode networking (which has no host-side
/// counter), from the guest agent's report, marked as the guest's.
/// </summary>
public static class MeterReader
{
    /// <summary>How long a reading waits for QEMU; metering never holds a VM up.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The reading, or null when the QEMU is gone. The guest agent is given <paramref name="agentWait"/>
    /// (its channel may be held by a longer request, a file copy or data exchange); when it has no
    /// answer in time, a user-mode adapter keeps what the guest last reported (<paramref name="previous"/>).
    /// </summary>
    public static async Task<MeterReading?> ReadAsync(VmConfig config, QemuSession run, MeterReading? previous, TimeSpan agentWait,
        TimeProvider clock, CancellationToken ct)
    {
        var pid = run.Process.Pid;
        if (ProcessUsage.Read(pid) is not { } usage)
            return null;
        var disks = await ReadDisksAsync(config, run, ct).ConfigureAwait(false);
        var adapters = await ReadAdaptersAsync(config, run, previous?.ProcessId == pid ? previous : null, agentWait, ct).ConfigureAwait(false);
        return new MeterReading(clock.GetUtcNow(), pid, usage, disks, adapters);
    }

    private static async Task<IReadOnlyList<DiskReading>> ReadDisksAsync(VmConfig config, QemuSession run, CancellationToken ct)
    {
        List<BlockStatsEntry> entries;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Wait);
        try
        {
            entries = await run.Qmp.QueryBlockStatsAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return [];
        }
        var disks = Disks(config);
        var readings = new List<DiskReading>();
        foreach (var entry in entries)
        {
            // Only the VM's own disks: an entry of any other device is left out.
            if (entry.Qdev is null || !disks.TryGetValue(entry.Qdev, out var disk))
                continue;
            var s = entry.Stats;
            readings.Add(new DiskReading(disk.Address.Display(), disk.Path, s.ReadBytes, s.WrittenBytes, s.Reads, s.Writes));
        }
        return readings;
    }

    /// <summary>The VM's disks by their QEMU device id.</summary>
    private static Dictionary<string, (DiskAddress Address, string? Path)> Disks(VmConfig config)
    {
        var disks = config.IdeDrives.Select(d => (d.Id, Address: DiskAddress.Of(d), d.Path))
            .Concat(config.ScsiControllers.SelectMany((controller, c) =>
                controller.Disks.Select(d => (d.Id, Address: new DiskAddress(DiskBus.Scsi, c, d.Location), Path: (string?)d.Path))));
        return disks.ToDictionary(d => d.Id, d => (d.Address, d.Path), StringComparer.Ordinal);
    }

    private static async Task<IReadOnlyList<AdapterReading>> ReadAdaptersAsync(VmConfig config, QemuSession run, MeterReading? previous,
        TimeSpan agentWait, CancellationToken ct)
    {
        var adapters = config.NetworkAdapters;
        IReadOnlyList<GuestNetworkInterface>? guest = null;
        if (adapters.Any(a => a.Switch == NetworkAdapter.UserMode) && config.IntegrationServices.DataExchange)
            guest = await AskGuestAsync(run, agentWait, ct).ConfigureAwait(false);
        var readings = new List<AdapterReading>();
        for (var i = 0; i < adapters.Length; i++)
        {
            var a = adapters[i];
            // An operator's TAP, or the port nubed made for an adapter on a switch (or on none).
            if ((NetworkAdapter.TapName(a) ?? AdapterModel.Port(config, a)?.Tap) is { } tap && InterfaceCounters.Read(tap) is { } counters)
            {
                // The TAP's receive is what the guest sent, and the other way round.
                readings.Add(new AdapterReading(a.Id, a.MacAddress, a.Switch, "host", counters.SentBytes, counters.ReceivedBytes));
                continue;
            }
            var reported = a.Switch == NetworkAdapter.UserMode
                ? guest?.FirstOrDefault(g => string.Equals(g.MacAddress, a.MacAddress, StringComparison.OrdinalIgnoreCase))?.Counters
                : null;
            var earlier = guest is null ? previous?.Adapters.FirstOrDefault(r => r.Id == a.Id && r.Source == "guest" && r.Switch == a.Switch) : null;
            readings.Add(reported is not null ? new AdapterReading(a.Id, a.MacAddress, a.Switch, "guest", reported.ReceivedBytes, reported.SentBytes)
                : earlier ?? new AdapterReading(a.Id, a.MacAddress, a.Switch, "none", null, null));
        }
        return readings;
    }

    private static async Task<IReadOnlyList<GuestNetworkInterface>?> AskGuestAsync(QemuSession run, TimeSpan wait, CancellationToken ct)
    {
        try
        {
            return await run.Agent.UseAsync((a, t) => a.GetNetworkInterfacesAsync(t), wait, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is GuestAgentException or GuestAgentBusyException or ObjectDisposedException)
        {
            return null;
        }
    }
}
