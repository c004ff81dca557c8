namespace Nube.Contracts.Hosts;

/// <summary>The TCP listener that serves the API and the web console.</summary>
public sealed record RemoteManagementInfo
{
    public required bool Enabled { get; init; }
    public required string Address { get; init; }
    public required int Port { get; init; }
    public required bool Tls { get; init; }
    /// <summary>Where the web console and the API are reached, e.g. https://host:8006/; null when off.</summary>
    public string? Url { get; init; }
    /// <summary>SHA-256 of the certificate in use, colon-separated hex; null without TLS.</summary>
    public string? CertificateFingerprint { get; init; }
    public string? CertificateSubject { get; init; }
    public DateTimeOffset? CertificateExpiresAt { get; init; }
    /// <summary>True when the certificate is the one the host made itself on first start.</summary>
    public bool SelfSignedCertificate { get; init; }
}
