using Nube.Linux.Processes;

namespace Nube.Service.Vms.Metering;

/// <summary>One reading of a running VM's counters, all cumulative since its QEMU started.</summary>
public sealed record MeterReading(DateTimeOffset At, int ProcessId, ProcessUsage Process,
    IReadOnlyList<DiskReading> Disks, IReadOnlyList<AdapterReading> Adapters)
{
    public long DiskReadBytes => Disks.Sum(d => d.ReadBytes);
    public long DiskWrittenBytes => Disks.Sum(d => d.WrittenBytes);
    public long NetworkReceivedBytes => Adapters.Sum(a => a.ReceivedBytes ?? 0);
    public long NetworkSentBytes => Adapters.Sum(a => a.SentBytes ?? 0);
}

/// <summary>A disk's counters, named by its place ("SCSI 0:1").</summary>
public sealed record DiskReading(string Location, string? Path, long ReadBytes, long WrittenBytes, long Reads, long Writes);

/// <summary>An adapter's counters from the guest's side, and who counted them (see <c>AdapterMeasurement.Source</c>).</summary>
public sealed record AdapterReading(string Id, string? MacAddress, string? Switch, string Source, long? ReceivedBytes, long? SentBytes);
