using System.Diagnostics;
using System.Runtime.InteropServices;
using Nube.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 2;
}

using var cts = new CancellationTokenSource();
// Ctrl+C or a timeout's SIGTERM: unwind through the cleanup below instead of dying on the spot.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
void OnSignal(PosixSignalContext ctx)
{
    ctx.Cancel = true;
    Console.Error.WriteLine($"bench: {ctx.Signal}: stopping and cleaning up");
    cts.Cancel();
}

foreach (var f in new[] { "vmlinux", "initrd.img" })
{
    if (!File.Exists(Path.Combine(options.GuestDir, f)))
    {
        Console.Error.WriteLine($"bench: the test guest is missing ({Path.Combine(options.GuestDir, f)}); run guest/build.sh (bench/run.sh does).");
        return 2;
    }
}

foreach (var dir in options.Figure2 ? new[] { options.CliPublishedDir!, options.CliBuildDir! } : [])
{
    if (!File.Exists(Path.Combine(dir, "nube")))
    {
        Console.Error.WriteLine($"bench: the CLI is missing ({Path.Combine(dir, "nube")}); bench/run.sh builds and publishes it.");
        return 2;
    }
}

var started = DateTimeOffset.UtcNow;
var clock = Stopwatch.StartNew();
var workspace = new Workspace(options.WorkDir);
var machine = MachineFacts.Read(options.GuestDir, workspace.Root);
StartupResult? fig1 = null;
CliResult? fig2 = null;
var later = new LaterFigures();
string? failure = null;
try
{
    if (options.Figure1)
        fig1 = await new StartupFigure(options, workspace).RunAsync(cts.Token);
    if (options.Figure2)
        fig2 = await new CliFigure(options, workspace).RunAsync(cts.Token);
    // Figures 3 to 5 and 7 to 10 each stand alone: one that fails is reported, and the next still runs.
    if (options.Figure3)
        later.Disk = await later.TryAsync(3, () => new DiskFigure(options, workspace).RunAsync(cts.Token), cts.Token);
    if (options.Figure4)
        later.Network = await later.TryAsync(4, () => new NetworkFigure(options, workspace).RunAsync(cts.Token), cts.Token);
    if (options.Figure5)
        later.Heartbeat = await later.TryAsync(5, () => new HeartbeatFigure(options, workspace).RunAsync(cts.Token), cts.Token);
    if (options.Figure7)
        later.Metering = await later.TryAsync(7, () => new MeteringFigure(options, workspace).RunAsync(cts.Token), cts.Token);
    if (options.Figure8)
        later.DiskFormats = await later.TryAsync(8, () => new DiskFormatFigure(options, workspace).RunAsync(cts.Token), cts.Token);
    if (options.Figure9)
        later.HotPlug = await later.TryAsync(9, () => new HotPlugFigure(options, workspace).RunAsync(cts.Token), cts.Token);
    if (options.Figure10)
        later.Migration = await later.TryAsync(10, () => new MigrationFigure(options, workspace).RunAsync(cts.Token), cts.Token);
    if (failure is null && later.Failures.Count > 0)
        failure = string.Join("; ", later.Failures.Select(f => $"figure {f.Key}: {f.Value}"));
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    failure = "interrupted";
}
catch (Exception e)
{
    failure = e.Message;
    Console.Error.WriteLine($"bench: {e}");
}
finally
{
    var stray = workspace.KillStrayQemus();
    if (stray > 0)
        Console.Error.WriteLine($"bench: killed {stray} QEMU(s) left running");
    workspace.Remove();
}

TimeSpan? wholeRun = options.StartedAtUnix is { } t0
    ? DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds((long)(t0 * 1000)) : null;
var markdown = new Report(options, machine, started).Render(fig1, fig2, later, failure, clock.Elapsed, wholeRun);
if (failure != "interrupted")
{
    var output = Path.GetFullPath(options.Output);
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    var temp = output + ".tmp";
    await File.WriteAllTextAsync(temp, markdown);
    File.Move(temp, output, overwrite: true);
    Console.Error.WriteLine($"bench: wrote {output}");
}
Console.WriteLine(markdown);
return failure is null ? 0 : 1;
