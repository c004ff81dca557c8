namespace Nube.Contracts.Vms;

/// <summary>
/// A VM's resource use (Hyper-V's Measure-VM), counted since its QEMU started: processor time,
/// memory, disk and network. Every figure is null while the VM does not run.
/// </summary>
public sealed record VmMeasurement
{
    public required Guid VmId { get; init; }
    public required string Name { get; init; }
    public required string State { get; init; }
    /// <summary>When these figures were read.</summary>
    public required DateTimeOffset At { get; init; }
    /// <summary>When the counters began: the start of this run of the VM's QEMU.</summary>
    public DateTimeOffset? Since { get; init; }
    public required int ProcessorCount { get; init; }
    /// <summary>Processor time QEMU used, all its threads (vCPUs, I/O, display) together.</summary>
    public double? ProcessorSeconds { get; init; }
    /// <summary>Use over the last interval, as a share of the VM's own processors (100 = all of them busy).</summary>
    public double? ProcessorPercent { get; init; }
    public required long MemoryAssignedBytes { get; init; }
    /// <summary>Host memory the VM's QEMU holds (resident), and the most it held in this run.</summary>
    public long? MemoryUsedBytes { get; init; }
    public long? MemoryPeakBytes { get; init; }
    public long? DiskReadBytes { get; init; }
    public long? DiskWrittenBytes { get; init; }
    public long? DiskReads { get; init; }
    public long? DiskWrites { get; init; }
    /// <summary>Bytes the guest received and sent, over all its adapters.</summary>
    public long? NetworkReceivedBytes { get; init; }
    public long? NetworkSentBytes { get; init; }
    public IReadOnlyList<DiskMeasurement> Disks { get; init; } = [];
    public IReadOnlyList<AdapterMeasurement> NetworkAdapters { get; init; } = [];
    /// <summary>Recent rates, oldest first, one point per sampling interval; only when asked for.</summary>
    public IReadOnlyList<MeterPoint>? History { get; init; }
}

/// <summary>One disk's counters: what the guest read and wrote through it.</summary>
public sealed record DiskMeasurement
{
    /// <summary>Its place, as <c>vm show</c> names it ("SCSI 0:1", "IDE 0:0").</summary>
    public required string Location { get; init; }
    public string? Path { get; init; }
    public required long ReadBytes { get; init; }
    public required long WrittenBytes { get; init; }
    public required long Reads { get; init; }
    public required long Writes { get; init; }
}

/// <summary>One network adapter's counters, from the guest's side: what it received and sent.</summary>
public sealed record AdapterMeasurement
{
    /// <summary>"Network adapter nic0" ... (by the adapter's id), in the order of the VM's settings.</summary>
    public required string Name { get; init; }
    public string? MacAddress { get; init; }
    public string? Switch { get; init; }
    /// <summary>
    /// Who counted: "host" (the TAP's counters, which the guest cannot change), "guest" (its agent's
    /// report, for user-mode networking, where the host has no counter), or "none" (not connected,
    /// or the guest did not say).
    /// </summary>
    public required string Source { get; init; }
    public long? ReceivedBytes { get; init; }
    public long? SentBytes { get; init; }
}

/// <summary>Rates over one sampling interval, ending at <see cref="At"/>.</summary>
public sealed record MeterPoint
{
    public required DateTimeOffset At { get; init; }
    public required double ProcessorPercent { get; init; }
    public required long MemoryUsedBytes { get; init; }
    public required double DiskReadBytesPerSecond { get; init; }
    public required double DiskWriteBytesPerSecond { get; init; }
    public required double NetworkReceivedBytesPerSecond { get; init; }
    public required double NetworkSentBytesPerSecond { get; init; }
}
