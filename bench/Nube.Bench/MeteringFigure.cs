using System.Diagnostics;
using Nube.Contracts.Vms;

namespace Nube.Bench;

public sealed record MeteringResult(int Vms, int Readings, double IdleSeconds, double IdleNubedCpu, double BurstSeconds, double BurstNubedCpu,
    double BurstQemuCpu, double IdleQemuCpu, int SampleIntervalSeconds);

/// <summary>
/// Figure 7: what metering costs. N idle VMs (each with a SCSI disk and a user-mode adapter, so a
/// reading asks QEMU and the guest agent both); nubed's processor time over an idle window (its
/// sampler reads every VM every 5 s, beside the heartbeat), then over a burst of readings asked
/// one after another through the API: the burst's excess over the idle rate, per reading, is
/// what one sampling of one VM costs.
/// </summary>
public sealed class MeteringFigure(BenchOptions options, Workspace workspace)
{
    private const int IntervalSeconds = 5;

    public Task<MeteringResult> RunAsync(CancellationToken ct) =>
        Nubed.MeasureWithAsync(workspace.Folder("fig7-nubed"), options.GuestDir, "fig7", MeasureAsync, ct);

    private async Task<MeteringResult> MeasureAsync(Nubed nubed, CancellationToken ct)
    {
        var client = nubed.Client;
        var names = Enumerable.Range(0, options.MeterVms).Select(i => $"meter-{i:D2}").ToList();
        var ticks = HeartbeatFigure.ClockTicksPerSecond();
        try
        {
            foreach (var name in names)
            {
                // The data directory's images folder is a storage root of every nubed.
                var disk = Path.Combine(Directory.CreateDirectory(Path.Combine(nubed.DataDir, "images")).FullName, $"{name}.raw");
                await using (var f = File.Create(disk))
                    f.SetLength(64L << 20);
                await client.CreateVmAsync(options.GuestVm(name) with
                {
                    ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = disk, Format = "raw" }] }],
                    NetworkAdapters = [new NetworkAdapterSettings { Kind = "synthetic", Switch = "user" }],
                }, ct);
                await GuestVms.StartAsync(client, name, ct);
            }
            var qemus = new List<int>();
            foreach (var name in names)
                qemus.Add((await client.GetVmAsync(name, 0, ct)).ProcessId ?? throw new InvalidOperationException($"{name} has no QEMU"));
            double Nubed() => HeartbeatFigure.CpuSeconds(nubed.ProcessId, ticks);
            double Qemus() => qemus.Sum(p => HeartbeatFigure.CpuSeconds(p, ticks));
            // Booted and settled: the guests' own start-up work is over.
            await Task.Delay(TimeSpan.FromSeconds(10), ct);

            var (n0, q0, sw) = (Nubed(), Qemus(), Stopwatch.StartNew());
            await Task.Delay(TimeSpan.FromSeconds(options.MeterWindowSeconds), ct);
            var (idleNubed, idleQemu, idleSeconds) = (Nubed() - n0, Qemus() - q0, sw.Elapsed.TotalSeconds);

            (n0, q0) = (Nubed(), Qemus());
            sw.Restart();
            for (var i = 0; i < options.MeterReadings; i++)
            {
                var m = await client.MeasureVmAsync(names[i % names.Count], ct: ct);
                if (m.ProcessorSeconds is null)
                    throw new InvalidOperationException($"{m.Name} measured nothing (state {m.State})");
            }
            var (burstNubed, burstQemu, burstSeconds) = (Nubed() - n0, Qemus() - q0, sw.Elapsed.TotalSeconds);
            Console.Error.WriteLine($"bench: fig7 idle {idleNubed:0.000} s of nubed CPU in {idleSeconds:0.0} s; " +
                $"{options.MeterReadings} readings {burstNubed:0.000} s in {burstSeconds:0.0} s");
            return new MeteringResult(names.Count, options.MeterReadings, idleSeconds, idleNubed, burstSeconds, burstNubed, burstQemu, idleQemu, IntervalSeconds);
        }
        finally
        {
            await GuestVms.TurnOffAllAsync(client, names, CancellationToken.None);
        }
    }
}
