using System.Collections.Concurrent;
using Nube.Contracts.Vms;
using Nube.Core.Lifecycle;
using Nube.Core.Vms;

namespace Nube.Service.Vms.Metering;

/// <summary>
/// Resource metering (Hyper-V's Measure-VM): every <see cref="Interval"/> each running VM's
/// counters are read (all VMs at once, each bounded by <see cref="MeterReader.Wait"/>) and kept
/// for its graphs and for Prometheus; a measurement asked for reads the VM afresh, so that its
/// totals are exact at the moment of asking.
/// </summary>
public sealed class MeteringService(VmRegistry registry, TimeProvider clock, ILogger<MeteringService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a reading waits for the guest agent: the sampler little (it keeps the last report),
    /// a measurement asked for longer, as <c>vm show</c> waits for the agent.
    /// </summary>
    private static readonly TimeSpan SamplerAgentWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AskedAgentWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<Guid, VmMeter> meters = new();

    /// <summary>The running VMs' last readings (a VM that stopped since is left out at once).</summary>
    public IEnumerable<(VmController Vm, MeterReading Reading)> Latest =>
        registry.All.Where(v => v.Session is not null)
            .Select(v => (Vm: v, Reading: meters.TryGetValue(v.Id, out var m) ? m.Last : null))
            .Where(p => p.Reading is not null).Select(p => (p.Vm, p.Reading!));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await SampleAllAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Metering could not read the VMs' counters");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task SampleAllAsync(CancellationToken ct)
    {
        var running = registry.All.Where(v => v.Session is not null).ToList();
        foreach (var gone in meters.Keys.Except(running.Select(v => v.Id)))
            meters.TryRemove(gone, out _);
        await Task.WhenAll(running.Select(async vm =>
        {
            var meter = meters.GetOrAdd(vm.Id, _ => new VmMeter());
            if (vm.Session is { } run && vm.Snapshot.Config is { } config
                && await MeterReader.ReadAsync(config, run, meter.Last, SamplerAgentWait, clock, ct).ConfigureAwait(false) is { } reading)
                meter.Add(reading, config.ProcessorCount);
        })).ConfigureAwait(false);
    }

    /// <summary>The VM's figures now; nulls when it does not run. <paramref name="history"/> adds the graphs' points.</summary>
    public async Task<VmMeasurement> MeasureAsync(VmController vm, bool history, CancellationToken ct)
    {
        var snapshot = vm.Snapshot;
        var measurement = new VmMeasurement
        {
            VmId = vm.Id, Name = snapshot.Name, At = clock.GetUtcNow(),
            State = snapshot.StateWord,
            ProcessorCount = snapshot.Config?.ProcessorCount ?? 0,
            MemoryAssignedBytes = (snapshot.Config?.MemoryStartupMiB ?? 0) * 1024 * 1024,
        };
        var meter = meters.TryGetValue(vm.Id, out var m) ? m : null;
        if (vm.Session is not { } run || snapshot.Config is not { } config
            || await MeterReader.ReadAsync(config, run, meter?.Last, AskedAgentWait, clock, ct).ConfigureAwait(false) is not { } reading)
            return measurement;
        // The use over the last interval: since the last sampling, or the last point when that was a moment ago.
        var recent = meter?.Points is [.., var lastPoint] ? lastPoint : null;
        var percent = (meter?.Last is { } before ? VmMeter.Rates(before, reading, config.ProcessorCount) : null)?.ProcessorPercent
            ?? recent?.ProcessorPercent;
        return measurement with
        {
            At = reading.At,
            Since = snapshot.StartedAt,
            ProcessorSeconds = Math.Round(reading.Process.ProcessorTime.TotalSeconds, 2),
            ProcessorPercent = percent,
            MemoryUsedBytes = reading.Process.ResidentBytes,
            MemoryPeakBytes = reading.Process.PeakResidentBytes,
            DiskReadBytes = reading.DiskReadBytes,
            DiskWrittenBytes = reading.DiskWrittenBytes,
            DiskReads = reading.Disks.Sum(d => d.Reads),
            DiskWrites = reading.Disks.Sum(d => d.Writes),
            NetworkReceivedBytes = reading.Adapters.Any(a => a.ReceivedBytes is not null) ? reading.NetworkReceivedBytes : null,
            NetworkSentBytes = reading.Adapters.Any(a => a.SentBytes is not null) ? reading.NetworkSentBytes : null,
            Disks = [.. reading.Disks.Select(d => new DiskMeasurement
            {
                Location = d.Location, Path = d.Path, ReadBytes = d.ReadBytes, WrittenBytes = d.WrittenBytes, Reads = d.Reads, Writes = d.Writes,
            })],
            NetworkAdapters = [.. reading.Adapters.Select(a => new AdapterMeasurement
            {
                Name = AdapterName(a.Id), MacAddress = a.MacAddress, Switch = a.Switch, Source = a.Source,
                ReceivedBytes = a.ReceivedBytes, SentBytes = a.SentBytes,
            })],
            History = history ? meter?.Points ?? [] : null,
        };
    }

    /// <summary>As <c>vm show</c>'s device list names adapters.</summary>
    public static string AdapterName(string id) => $"Network adapter {id}";
}
