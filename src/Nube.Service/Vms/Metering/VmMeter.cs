using Nube.Contracts.Vms;

namespace Nube.Service.Vms.Metering;

/// <summary>
/// One VM's recent readings for one run of its QEMU: the last reading and a bounded ring of
/// rates between readings (the graphs' points). A reading from another QEMU process starts afresh:
/// counters begin again at each start.
/// </summary>
public sealed class VmMeter
{
    /// <summary>Points kept: half an hour at the sampling interval.</summary>
    public const int MaxPoints = 360;

    private readonly Lock gate = new(); // guards last, points
    private readonly Queue<MeterPoint> points = new();
    private MeterReading? last;

    public MeterReading? Last
    {
        get { lock (gate) return last; }
    }

    public IReadOnlyList<MeterPoint> Points
    {
        get { lock (gate) return [.. points]; }
    }

    /// <summary>Adds a reading; its rates against the one before become a point.</summary>
    public void Add(MeterReading reading, int processors)
    {
        lock (gate)
        {
            if (last is not null && last.ProcessId != reading.ProcessId)
            {
                points.Clear();
                last = null;
            }
            if (last is not null && Rates(last, reading, processors) is { } point)
            {
                points.Enqueue(point);
                while (points.Count > MaxPoints)
                    points.Dequeue();
            }
            last = reading;
        }
    }

    /// <summary>The rates between two readings of one run; null when too close together to mean anything.</summary>
    public static MeterPoint? Rates(MeterReading before, MeterReading after, int processors)
    {
        var seconds = (after.At - before.At).TotalSeconds;
        if (seconds < 0.2 || before.ProcessId != after.ProcessId)
            return null;
        double PerSecond(long a, long b) => Math.Max(0, b - a) / seconds;
        var cpu = (after.Process.ProcessorTime - before.Process.ProcessorTime).TotalSeconds;
        return new MeterPoint
        {
            At = after.At,
            ProcessorPercent = Math.Round(Math.Max(0, cpu) / seconds / Math.Max(1, processors) * 100, 1),
            MemoryUsedBytes = after.Process.ResidentBytes,
            DiskReadBytesPerSecond = PerSecond(before.DiskReadBytes, after.DiskReadBytes),
            DiskWriteBytesPerSecond = PerSecond(before.DiskWrittenBytes, after.DiskWrittenBytes),
            NetworkReceivedBytesPerSecond = PerSecond(before.NetworkReceivedBytes, after.NetworkReceivedBytes),
            NetworkSentBytesPerSecond = PerSecond(before.NetworkSentBytes, after.NetworkSentBytes),
        };
    }
}
