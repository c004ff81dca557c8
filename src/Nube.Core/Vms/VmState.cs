namespace Nube.Core.Vms;

/// <summary>
/// A VM's state. <see cref="Migrating"/>: the source's VM while it moves to another host (it runs
/// until the switch-over); <see cref="Incoming"/>: the destination's VM while its QEMU takes in the
/// stream, owned by the source until the handover. Neither allows any lifecycle operation: the move
/// ends them.
/// </summary>
public enum VmState { Off, Starting, Running, Paused, Saving, Saved, Stopping, Migrating, Incoming }

public enum VmOperation { Start, Stop, TurnOff, Pause, Resume, Save }
