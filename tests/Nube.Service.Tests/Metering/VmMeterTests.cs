using Nube.Linux.Processes;
using Nube.Service.Vms.Metering;

namespace Nube.Service.Tests.Metering;

/// <summary>The rates between two readings, and a meter's ring of points across runs of QEMU.</summary>
public sealed class VmMeterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static MeterReading Reading(double seconds, int pid, double cpuSeconds, long written, long sent) =>
        new(T0.AddSeconds(seconds), pid, new ProcessUsage(TimeSpan.FromSeconds(cpuSeconds), 100 << 20, 120 << 20),
            [new DiskReading("SCSI 0:0", "/srv/a.qcow2", 0, written, 0, written / 4096)],
            [new AdapterReading("nic0", "52:54:00:00:00:01", "tap:t0", "host", 0, sent)]);

    [Fact]
    public void Rates_are_per_second_and_processor_use_is_a_share_of_the_vms_processors()
    {
        var p = VmMeter.Rates(Reading(0, 7, 10, 0, 0), Reading(5, 7, 15, 50_000_000, 5_000), processors: 2)!;
        Assert.Equal(50.0, p.ProcessorPercent);
        Assert.Equal(10_000_000, p.DiskWriteBytesPerSecond);
        Assert.Equal(1_000, p.NetworkSentBytesPerSecond);
        Assert.Equal(100 << 20, p.MemoryUsedBytes);
    }

    [Fact]
    public void Readings_of_two_runs_or_a_moment_apart_give_no_rate()
    {
        Assert.Null(VmMeter.Rates(Reading(0, 7, 10, 0, 0), Reading(5, 8, 1, 0, 0), 1));
        Assert.Null(VmMeter.Rates(Reading(0, 7, 10, 0, 0), Reading(0.1, 7, 10, 0, 0), 1));
    }

    [Fact]
    public void A_new_qemu_starts_the_points_afresh_and_the_ring_keeps_half_an_hour()
    {
        var meter = new VmMeter();
        for (var i = 0; i <= VmMeter.MaxPoints + 10; i++)
            meter.Add(Reading(i * 5, 7, i, i * 1000L, 0), 1);
        Assert.Equal(VmMeter.MaxPoints, meter.Points.Count);
        Assert.Equal(T0.AddSeconds((VmMeter.MaxPoints + 10) * 5), meter.Points[^1].At);

        meter.Add(Reading(10_000, 8, 0, 0, 0), 1);
        Assert.Empty(meter.Points);
        Assert.Equal(8, meter.Last!.ProcessId);
    }
}
