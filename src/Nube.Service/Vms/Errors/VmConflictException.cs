namespace Nube.Service.Vms.Errors;

/// <summary>The VM is not in a condition that allows the request (running when it must be off, broken ...).</summary>
public sealed class VmConflictException(string message) : Exception(message);
