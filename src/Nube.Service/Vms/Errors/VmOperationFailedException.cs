namespace Nube.Service.Vms.Errors;

/// <summary>
/// An operation that QEMU, the guest or the host did not carry out. The inner exception is the
/// cause (a QMP error with QEMU's words, a launch failure, a timeout); the API maps it once.
/// </summary>
public sealed class VmOperationFailedException(string verb, string vmName, Exception cause)
    : Exception($"Cannot {verb} VM '{vmName}': {cause.Message}", cause);
