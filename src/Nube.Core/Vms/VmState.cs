namespace Nube.Core.Vms;

public enum VmState { Off, Starting, Running, Paused, Saving, Saved, Stopping }

public enum VmOperation { Start, Stop, TurnOff, Pause, Resume, Save }
