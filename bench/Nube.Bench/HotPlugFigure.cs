using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nube.Contracts.Vms;
using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Serialization;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;

namespace Nube.Bench;

/// <summary>
/// One hot add and hot remove on one side, in ms from the call: the call's own time, and until the
/// guest's loop on the console reported the disk there (add) or gone (remove).
/// </summary>
public sealed record HotPlugSample(int Round, bool Warmup, string Side, bool First,
    double AddCallMs, double AddSeenMs, double RemoveCallMs, double RemoveGoneMs)
{
    /// <summary>Nube only: nubed's log lines of the add and the remove call.</summary>
    public IReadOnlyList<LoggedStep> AddLog { get; init; } = [];
    public IReadOnlyList<LoggedStep> RemoveLog { get; init; } = [];
}

/// <summary>nubed's log lines of one call, each with its offset in ms from the call.</summary>
public sealed record LoggedStep(double AtMs, string Text);

public sealed record HotPlugResult(
    IReadOnlyList<HotPlugSample> Samples,
    int Rounds,
    IReadOnlyList<string> QemuAddCommands,
    string GuestPath,
    double NubeBootS,
    double QemuBootMs,
    IReadOnlyList<string> LoadAverages);

/// <summary>
/// Figure 9: hot add and hot remove of a SCSI disk on a running VM, Nube's API against plain QEMU's
/// QMP, in one run, alternating. Both VMs boot once (the Nube VM through nubed, its plain twin from
/// the same stored configuration through the same command-line builder) and stay running; each
/// round adds a 64 MiB raw disk at scsi0:2 to each and removes it again, the side that goes first
/// alternating. The guest's console runs a shell loop that prints a marker when
/// <c>/sys/bus/scsi/devices/*:0:2:0/block</c> appears (or the device is gone), started before the
/// call; the host times the marker's arrival on its own clock.
/// </summary>
public sealed class HotPlugFigure(BenchOptions options, Workspace workspace)
{
    private const string Vm = "hotplug";
    private const string At = "scsi0:2";
    private const string GuestDevice = "/sys/bus/scsi/devices/*:0:2:0";
    private const string PlainDiskId = "hotplug-disk";
    private const int DiskMiB = 64;
    private static readonly TimeSpan GuestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The VMs' log categories at debug, so that nubed logs each QMP command and reply of the
    /// change-devices job with its time (a few lines per call, written by the console logger's own thread).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NubedEnvironment =
        new Dictionary<string, string> { ["Logging__LogLevel__Nube.Vm"] = "Debug" };

    public Task<HotPlugResult> RunAsync(CancellationToken ct) =>
        Nubed.MeasureWithAsync(workspace.Folder("fig9-nubed"), options.GuestDir, "fig9", MeasureAsync, ct, environment: NubedEnvironment);

    private async Task<HotPlugResult> MeasureAsync(Nubed nubed, CancellationToken ct)
    {
        var client = nubed.Client;
        // Under the data folder, as figure 8's images: one file per side, so that QEMU's image locks never meet.
        var images = Path.Combine(nubed.DataDir, "images");
        Directory.CreateDirectory(images);
        var nubeFile = Path.Combine(images, "hotplug-nube.raw");
        var plainFile = Path.Combine(images, "hotplug-qemu.raw");
        foreach (var f in new[] { nubeFile, plainFile })
            await CreateImageAsync(f, ct);

        var created = await client.CreateVmAsync(options.GuestVm(Vm) with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [] }],
        }, ct);
        var plain = await PlainQemu.TwinAsync(nubed, created.Summary.Id, workspace.Folder("fig9-plain"), ct);
        var (config, plainPaths) = (plain.Config, plain.Paths);
        // The disk as nubed's device plan models it (the same nodes and device), its file named by path: plain QEMU runs as root.
        var parts = DiskModel.Scsi(config.ScsiControllers[0],
            new ScsiDisk { Id = PlainDiskId, Location = 2, Path = plainFile, Format = DiskFormat.Raw }, "bench", [], null);
        var nodes = parts.Nodes.Select(n => n.ToJson(file => file.Path).ToJsonString()).ToList();
        var device = parts.Device.ToJson().ToJsonString();

        var loads = new List<string> { DiskFigure.Load() };
        ConsoleWatch? nubeConsole = null, plainConsole = null;
        QmpClient? qmp = null;
        try
        {
            var nubeBoot = await GuestVms.StartAsync(client, Vm, ct);
            PlainBoot plainBoot;
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                limit.CancelAfter(BootTimeout);
                plainBoot = await plain.BootAsync(limit.Token);
            }
            Console.Error.WriteLine($"bench: fig9 booted: Nube {nubeBoot:0.0} s, plain QEMU {plainBoot.InfoMs / 1000:0.0} s");
            nubeConsole = ConsoleWatch.Over(await client.OpenConsoleAsync(Vm, ct));
            plainConsole = ConsoleWatch.Over(await UnixSocket.ConnectAsync(plainPaths.SerialSocket, ct));
            qmp = await QmpClient.ConnectAsync(await UnixSocket.ConnectAsync(plainPaths.QmpSocket, ct), null, ct);
            foreach (var console in new[] { nubeConsole, plainConsole })
                await QuietAsync(console, ct);

            var samples = new List<HotPlugSample>();
            for (var r = -options.Warmup; r < options.HotPlugRounds; r++)
            {
                loads.Add(DiskFigure.Load());
                var nubeFirst = (r + options.Warmup) % 2 == 0;
                foreach (var side in nubeFirst ? new[] { "Nube", "QEMU" } : ["QEMU", "Nube"])
                {
                    var first = side == (nubeFirst ? "Nube" : "QEMU");
                    HotPlugSample s;
                    if (side == "Nube")
                    {
                        var add = await TimeAsync(nubeConsole, Present, c => client.Disks.AddDriveAsync(Vm, new AddDriveRequest { At = At, Path = nubeFile }, c), ct);
                        var addLog = Logged(nubed, add.CallAt, Math.Max(add.CallMs, add.SeenMs));
                        await Task.Delay(options.Settle, ct);
                        var remove = await TimeAsync(nubeConsole, Absent, c => client.Disks.RemoveDriveAsync(Vm, At, c), ct);
                        var removeLog = Logged(nubed, remove.CallAt, Math.Max(remove.CallMs, remove.SeenMs));
                        s = new HotPlugSample(r, r < 0, side, first, add.CallMs, add.SeenMs, remove.CallMs, remove.SeenMs) { AddLog = addLog, RemoveLog = removeLog };
                    }
                    else
                    {
                        var add = await TimeAsync(plainConsole, Present, async c =>
                        {
                            foreach (var node in nodes)
                                await ExecuteAsync(qmp, "blockdev-add", node, c);
                            await ExecuteAsync(qmp, "device_add", device, c);
                        }, ct);
                        await Task.Delay(options.Settle, ct);
                        var remove = await TimeAsync(plainConsole, Absent, async c =>
                        {
                            var deleted = qmp.WaitForEventAsync("DEVICE_DELETED",
                                e => e.Data.TryGetProperty("device", out var d) && d.ValueKind == JsonValueKind.String && d.GetString() == PlainDiskId,
                                GuestTimeout, c);
                            await ExecuteAsync(qmp, "device_del", $$"""{"id":"{{PlainDiskId}}"}""", c);
                            await deleted;
                            foreach (var node in parts.Nodes.Reverse())
                                await ExecuteAsync(qmp, "blockdev-del", $$"""{"node-name":"{{(string)node["node-name"]!}}"}""", c);
                        }, ct);
                        s = new HotPlugSample(r, r < 0, side, first, add.CallMs, add.SeenMs, remove.CallMs, remove.SeenMs);
                    }
                    samples.Add(s);
                    Console.Error.WriteLine($"bench: fig9 {(r < 0 ? "warm-up" : $"round {r + 1}/{options.HotPlugRounds}")} {side}: " +
                        $"add call {s.AddCallMs:0} ms, seen {s.AddSeenMs:0} ms; remove call {s.RemoveCallMs:0} ms, gone {s.RemoveGoneMs:0} ms");
                    await Task.Delay(options.Settle, ct);
                }
            }
            loads.Add(DiskFigure.Load());
            var commands = nodes.Select(n => $"blockdev-add {n}").Append($"device_add {device}").ToList();
            return new HotPlugResult(samples, options.HotPlugRounds, commands, GuestDevice, nubeBoot, plainBoot.InfoMs, loads);
        }
        finally
        {
            if (nubeConsole is not null)
                await nubeConsole.DisposeAsync();
            if (plainConsole is not null)
                await plainConsole.DisposeAsync();
            // QEMU's monitor takes one client: ours goes before the quit connects.
            if (qmp is not null)
                await qmp.DisposeAsync();
            await plain.QuitAsync(CancellationToken.None);
            await GuestVms.TurnOffAllAsync(client, [Vm], CancellationToken.None);
        }
    }

    private static string Present => $"while [ ! -e {GuestDevice}/block ]; do :; done";

    private static string Absent => $"while [ -e {GuestDevice} ]; do :; done";

    /// <summary>
    /// Starts <paramref name="loop"/> in the guest, waits until the guest has begun it, makes the
    /// call, and returns the call's own time and the time until the guest's line after the loop
    /// arrived, both from the call's start on the host's clock.
    /// </summary>
    private static async Task<(DateTime CallAt, double CallMs, double SeenMs)> TimeAsync(ConsoleWatch console, string loop, Func<CancellationToken, Task> call, CancellationToken ct)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        // The quotes keep the echoed command line from matching the markers the output carries.
        await console.SendAsync($"echo N''HP-{tag}-B; {loop}; echo N''HP-{tag}-E\r", ct);
        await console.WaitForAsync($"NHP-{tag}-B\n", clock, GuestTimeout, ct);
        clock.Restart();
        var callAt = DateTime.Now;
        var seen = console.WaitForAsync($"NHP-{tag}-E", clock, GuestTimeout, ct);
        await call(ct);
        var callMs = clock.Elapsed.TotalMilliseconds;
        return (callAt, callMs, (await seen).TotalMilliseconds);
    }

    /// <summary>Kernel messages off the console (<c>dmesg -n 1</c>) on both guests, so that none splits a marker.</summary>
    private static async Task QuietAsync(ConsoleWatch console, CancellationToken ct)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await console.SendAsync("\r", ct);
        await console.SendAsync($"dmesg -n 1; echo N''HP-{tag}-Q\r", ct);
        await console.WaitForAsync($"NHP-{tag}-Q", Stopwatch.StartNew(), GuestTimeout, ct);
    }

    private static async Task ExecuteAsync(QmpClient qmp, string command, string arguments, CancellationToken ct)
    {
        using var json = JsonDocument.Parse(arguments);
        await qmp.ExecuteAsync(command, json.RootElement.Clone(), ct: ct);
    }

    private static async Task CreateImageAsync(string path, CancellationToken ct)
    {
        var r = await ProcessTools.RunAsync("qemu-img", ["create", "-f", "raw", path, $"{DiskMiB}M"], TimeSpan.FromSeconds(30), ct);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"qemu-img create {path} failed ({r.ExitCode}): {r.Stderr.Trim()}");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("644", 8));
    }

    /// <summary>nubed's log lines stamped from just before the call to <paramref name="untilMs"/> after it (its console log stamps each line to the millisecond).</summary>
    private static List<LoggedStep> Logged(Nubed nubed, DateTime callAt, double untilMs)
    {
        var steps = new List<LoggedStep>();
        foreach (var line in nubed.Log.Split('\n'))
        {
            if (line.Length < 13 || !TimeOnly.TryParseExact(line[..12], "HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
                continue;
            var at = (callAt.Date.Add(time.ToTimeSpan()) - callAt).TotalMilliseconds;
            if (at >= -5 && at <= Math.Max(untilMs, 0) + 50)
            {
                var text = line[13..];
                steps.Add(new LoggedStep(at, text.Length > 240 ? text[..240] + " ..." : text));
            }
        }
        return steps;
    }
}
