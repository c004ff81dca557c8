using System.Collections.Immutable;
using Nube.Core.Hosts;
using Nube.Core.Lifecycle;
using Nube.Core.Integration;
using Nube.Service.Vms.Devices;
using Nube.Service.Vms.Integration;
using Nube.Core.Vms;

namespace Nube.Service.Vms;

/// <summary>
/// One VM as its controller last published it. Immutable: readers take it without locks and
/// always see a consistent whole.
/// </summary>
public sealed record VmSnapshot
{
    public required Guid Id { get; init; }
    /// <summary>Null when the VM's file cannot be read; <see cref="BrokenReason"/> says why.</summary>
    public VmConfig? Config { get; init; }
    public string? BrokenReason { get; init; }
    public VmState State { get; init; } = VmState.Off;
    /// <summary>Why the VM is in its state when the user did not ask for it.</summary>
    public string? StateReason { get; init; }
    public required DateTimeOffset StateSince { get; init; }
    public int? ProcessId { get; init; }
    public Accelerator? Accelerator { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>When the guest agent last answered, during this run.</summary>
    public DateTimeOffset? LastAgentContact { get; init; }
    /// <summary>The agent's version as it reported it, already sanitised.</summary>
    public string? AgentVersion { get; init; }
    /// <summary>How each integration service fared during this run; a service not in it has had no answer yet.</summary>
    public ImmutableDictionary<IntegrationService, ServiceHealth> Integration { get; init; } =
        ImmutableDictionary<IntegrationService, ServiceHealth>.Empty;

    /// <summary>The last setting of the guest's clock during this run.</summary>
    public TimeSyncState? TimeSync { get; init; }
    /// <summary>What QEMU runs with (devices as started and hot-plugged since); null when no QEMU runs.</summary>
    public RunningVm? Running { get; init; }
    /// <summary>Set while the host holds the guest's file systems frozen.</summary>
    public FreezeState? Freeze { get; init; }

    public string Name => Config?.Name ?? Id.ToString();

    /// <summary>The state as the API words it; "broken" when the VM's settings could not be read.</summary>
    public string StateWord => Config is null ? Broken : VmLifecycle.Word(State);

    public const string Broken = "broken";
}
