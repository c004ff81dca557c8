namespace Nube.Core.Vms;

/// <summary>What the host does with the VM when the host service starts.</summary>
public enum AutomaticStartAction { Nothing, StartIfRunning, AlwaysStart }

/// <summary>What the host does with a running VM when the host shuts down.</summary>
public enum AutomaticStopAction { Save, TurnOff, ShutDown }

/// <summary>What the host does when the VM's QEMU process exits unexpectedly.</summary>
public enum CrashAction { Off, Restart }
