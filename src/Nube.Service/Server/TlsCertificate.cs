using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nube.Service.Server;

/// <summary>The certificate the TCP listener presents, with what an operator checks it by.</summary>
public sealed record TlsCertificate(X509Certificate2 Certificate, bool SelfSigned)
{
    /// <summary>SHA-256 of the certificate (DER), as colon-separated uppercase hex: what browsers show and <c>nube --fingerprint</c> takes.</summary>
    public string Fingerprint { get; } = FingerprintOf(Certificate);

    public static string FingerprintOf(X509Certificate2 certificate) =>
        BitConverter.ToString(certificate.GetCertHash(HashAlgorithmName.SHA256)).Replace('-', ':');
}
