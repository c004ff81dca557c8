namespace Nube.Contracts.Vms;

/// <summary>One row of <c>vm list</c>.</summary>
public sealed record VmSummary
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    /// <summary>off, starting, running, paused, saving, saved, stopping; broken when its file cannot be read.</summary>
    public required string State { get; init; }
    public int ProcessorCount { get; init; }
    public long MemoryStartupMiB { get; init; }
    /// <summary>Seconds since the VM's QEMU started, while it runs.</summary>
    public long? UptimeSeconds { get; init; }
    /// <summary>Why the VM is in its state when the user did not ask for it, or why it is broken.</summary>
    public string? StateReason { get; init; }
    /// <summary>The heartbeat's status while the VM runs (ok, no-contact, lost-communication, disabled); null when it is not running.</summary>
    public string? Heartbeat { get; init; }
    /// <summary>
    /// What the host accepts in the VM's state: start, stop, turn-off, pause, resume, save,
    /// remove, new-checkpoint, apply-checkpoint, remove-checkpoint.
    /// </summary>
    public IReadOnlyList<string> AllowedActions { get; init; } = [];
}
