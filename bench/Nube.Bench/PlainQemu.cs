using System.Diagnostics;
using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Serialization;
using Nube.Core.Vms;
using Nube.Linux.Descriptors;
using Nube.Linux.Processes;
using Nube.Qemu.Protocol;

namespace Nube.Bench;

/// <summary>One boot of the guest under QEMU alone, and how long each step took from Process.Start.</summary>
public sealed record PlainBoot(double LaunchedMs, double PingMs, double InfoMs);

/// <summary>
/// Plain QEMU, run the way a script would: the same argv as nubed's (built by the same
/// <see cref="QemuCommandBuilder"/> from the same configuration, with this bench's folders) less
/// nubed's -S, with the same descriptors opened and passed, but as root, without nubed's user,
/// setpriv or folders; then the guest agent reached the same way nubed reaches it.
/// </summary>
public sealed class PlainQemu(LaunchPlan plan, VmRuntimePaths paths, VmConfig config)
{
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);
    private int? pid;

    public IReadOnlyList<string> Argv => plan.Argv;
    public VmRuntimePaths Paths => paths;
    /// <summary>The configuration nubed stored, which the argv was built from.</summary>
    public VmConfig Config => config;
    /// <summary>How the argv differs from the one nubed builds ("none" unless edited).</summary>
    public string Edits { get; private init; } = "none";

    /// <summary>
    /// The twin of a VM that <paramref name="nubed"/> stores: the very configuration it stored,
    /// through the very builder it uses; only the folders (under <paramref name="root"/>) differ.
    /// <paramref name="edit"/> changes the argv, for what the product does not offer;
    /// <paramref name="incoming"/> builds a move's destination (<c>-incoming defer</c>, as nubed's);
    /// <paramref name="disk"/> is the twin's own file in place of each SCSI disk's (both run at once).
    /// </summary>
    public static async Task<PlainQemu> TwinAsync(Nubed nubed, Guid id, string root, CancellationToken ct,
        Func<IReadOnlyList<string>, IReadOnlyList<string>>? edit = null, bool incoming = false, string? disk = null)
    {
        var host = await nubed.Client.GetHostAsync(ct);
        var config = ConfigDocument.Parse<VmConfig>(
            await File.ReadAllTextAsync(Path.Combine(nubed.DataDir, "vms", id.ToString(), "vm.json"), ct),
            VmConfig.CurrentSchemaVersion, "vm.json");
        if (disk is not null)
            config = config with { ScsiControllers = [.. config.ScsiControllers.Select(c => c with { Disks = [.. c.Disks.Select(d => d with { Path = disk })] })] };
        var paths = new VmRuntimePaths(Path.Combine(root, "run", "vms", id.ToString()), Path.Combine(root, "data", "vms", id.ToString()));
        var accelerator = host.AcceleratorInUse == "kvm" ? Accelerator.Kvm : Accelerator.Tcg;
        var plan = QemuCommandBuilder.Build(config, new QemuLaunchContext(accelerator, paths, "qemu-system-x86_64", Incoming: incoming));
        var argv = edit?.Invoke(plan.Argv) ?? plan.Argv;
        var plain = new PlainQemu(plan with { Argv = argv }, paths, config) { Edits = Difference(plan.Argv, argv) };
        plain.Prepare();
        return plain;
    }

    public void Prepare()
    {
        Directory.CreateDirectory(paths.RuntimeDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(paths.VmDirectory);
    }

    public async Task<PlainBoot> BootAsync(CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        Spawn();
        var launched = sw.Elapsed.TotalMilliseconds;

        // As VmManager.ProbeAgentAsync: connect, sync (long timeout), guest-ping, guest-info.
        await using var stream = await UnixSocket.ConnectAsync(paths.AgentSocket, ct);
        await using var agent = await GuestAgentClient.ConnectAsync(stream, AgentTimeout, null, ct);
        await agent.PingAsync(ct);
        var ping = sw.Elapsed.TotalMilliseconds;
        await agent.GetInfoAsync(ct);
        var info = sw.Elapsed.TotalMilliseconds;
        return new PlainBoot(launched, ping, info);
    }

    /// <summary>
    /// Spawns QEMU and returns at once. Less -S: nubed launches paused until it holds the VM's
    /// channels, then sends cont; QEMU started directly runs at once (an incoming one waits for its stream).
    /// </summary>
    public void Spawn()
    {
        if (pid is not null)
            throw new InvalidOperationException("this plain QEMU is already running");
        var argv = plan.Argv.Where(a => a != "-S").ToList();
        var descriptors = DescriptorOpener.OpenAll(plan.Descriptors);
        try
        {
            using var log = new FileStream(Path.Combine(paths.VmDirectory, "qemu.log"), FileMode.Append).SafeFileHandle;
            pid = ProcessSpawner.Spawn(argv, descriptors, log);
        }
        finally
        {
            DescriptorOpener.CloseAll(descriptors);
        }
    }

    /// <summary>Quits over QMP (as nubed's turn-off does) and waits until the process is gone; kills it otherwise.</summary>
    public async Task QuitAsync(CancellationToken ct)
    {
        if (this.pid is not { } pid)
            return;
        this.pid = null;
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(10));
            await using var stream = await UnixSocket.ConnectAsync(paths.QmpSocket, limit.Token);
            await using var qmp = await QmpClient.ConnectAsync(stream, null, limit.Token);
            await qmp.QuitAsync(limit.Token);
        }
        catch (Exception e) when (e is QmpException or IOException or System.Net.Sockets.SocketException
                                      or OperationCanceledException && !ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"bench: quit over QMP failed ({e.Message}); killing plain QEMU {pid}");
        }
        if (!await ProcessTools.WaitGoneAsync(pid, ExitTimeout, ct))
        {
            ProcessTools.Kill(pid);
            await ProcessTools.WaitGoneAsync(pid, ExitTimeout, ct);
        }
    }

    /// <summary>The arguments an edit removed and added (as sets: order and repeats aside), for the report.</summary>
    private static string Difference(IReadOnlyList<string> built, IReadOnlyList<string> edited)
    {
        var parts = built.Except(edited).Select(a => $"− `{a}`").Concat(edited.Except(built).Select(a => $"+ `{a}`")).ToList();
        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }
}
