namespace Nube.Service.Vms.Errors;

public sealed class VmNotFoundException(string vm) : Exception($"VM '{vm}' was not found.");
