namespace Nube.Service.Vms.Errors;

/// <summary>How a cancelled job ended: the operation unwound, and the VM is in the state it names.</summary>
public sealed class JobCancelledException(string kind, string vmName, string state)
    : Exception($"The {kind} of VM '{vmName}' was cancelled; the VM is {state}.");
