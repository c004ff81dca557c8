namespace Nube.Service.Vms.Worker;

/// <summary>Another request held the VM's agent channel for the whole of this one's wait.</summary>
public sealed class GuestAgentBusyException(TimeSpan wait)
    : Exception($"another request held the guest agent's channel for the whole {wait.TotalSeconds:0.#} s wait");
