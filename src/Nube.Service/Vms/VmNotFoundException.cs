namespace Nube.Service.Vms;

public sealed class VmNotFoundException(string vm) : Exception($"VM '{vm}' was not found.");
