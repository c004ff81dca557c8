using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Qemu.Launch;
using Nube.Qemu.Protocol;

namespace Nube.Service.Vms;

/// <summary>
/// One VM as the host service knows it: its configuration (or why it is broken), its state and,
/// while it runs, its QEMU process and QMP connection.
/// </summary>
public sealed class VmEntry(Guid id, VmRuntimePaths paths)
{
    public Guid Id { get; } = id;
    public VmRuntimePaths Paths { get; } = paths;

    /// <summary>Serialises lifecycle operations on this VM.</summary>
    public SemaphoreSlim OperationLock { get; } = new(1, 1);

    /// <summary>The agent's channel takes one client at a time.</summary>
    public SemaphoreSlim AgentLock { get; } = new(1, 1);

    /// <summary>Guards the fields below against the QMP event monitor.</summary>
    public object Sync { get; } = new();

    public VmConfig? Config { get; set; }
    public string? BrokenReason { get; set; }
    public VmState State { get; set; } = VmState.Off;
    public string? StateReason { get; set; }
    public QemuProcess? Process { get; set; }
    public QmpClient? Qmp { get; set; }
    public Accelerator? Accelerator { get; set; }
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Set while Nube itself ends QEMU (turn off, save), so its exit is not taken for a crash.</summary>
    public bool ExitExpected { get; set; }

    /// <summary>The reason of QEMU's last SHUTDOWN event, e.g. guest-shutdown.</summary>
    public string? ShutdownReason { get; set; }

    public string Name => Config?.Name ?? Id.ToString();

    public string Marker => MarkerFor(Id);

    public static string MarkerFor(Guid id) => $"nube-{id}";
}
