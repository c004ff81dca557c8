namespace Nube.Contracts.Hosts;

/// <summary>A change to the TCP listener that serves the API and the web console; null leaves a field.</summary>
public sealed record RemoteManagementSettings
{
    public bool? Enabled { get; init; }
    /// <summary>The IP address to listen on, e.g. 0.0.0.0 or 127.0.0.1.</summary>
    public string? Address { get; init; }
    public int? Port { get; init; }
    public bool? Tls { get; init; }
    /// <summary>The operator's own certificate and key (PEM files); both empty go back to the self-signed one.</summary>
    public string? CertificatePath { get; init; }
    public string? KeyPath { get; init; }
}
