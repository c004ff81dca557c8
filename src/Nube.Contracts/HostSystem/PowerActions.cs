namespace Nube.Contracts.HostSystem;

/// <summary>What a <see cref="PowerRequest"/> asks of the host.</summary>
public static class PowerActions
{
    public const string Restart = "restart";
    public const string Shutdown = "shutdown";
}
