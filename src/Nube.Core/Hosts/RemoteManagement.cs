namespace Nube.Core.Hosts;

/// <summary>
/// The TCP listener that serves the API and the web console (Hyper-V Server's "remote
/// management"). Off until the operator turns it on; with TLS, a certificate the host makes on
/// first start unless the operator names its own PEM files.
/// </summary>
public sealed record RemoteManagement
{
    public const int DefaultPort = 8006;

    public bool Enabled { get; init; }
    public string Address { get; init; } = "0.0.0.0";
    public int Port { get; init; } = DefaultPort;
    public bool Tls { get; init; } = true;
    /// <summary>The operator's certificate (PEM); null uses the self-signed one in the data directory.</summary>
    public string? CertificatePath { get; init; }
    public string? KeyPath { get; init; }
}
