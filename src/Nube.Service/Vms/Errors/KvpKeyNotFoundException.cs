namespace Nube.Service.Vms.Errors;

/// <summary>No data exchange pair with the key asked for; the message says where it was looked for.</summary>
public sealed class KvpKeyNotFoundException(string message) : Exception(message);
