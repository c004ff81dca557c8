namespace Nube.Service.HostSystem;

/// <summary>The host's state does not allow the change now (an update job under way, VMs still running); the message says why.</summary>
public sealed class HostSystemConflictException(string message) : Exception(message);
