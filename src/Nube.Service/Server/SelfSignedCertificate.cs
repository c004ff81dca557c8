using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nube.Service.Server;

/// <summary>
/// The certificate a host makes for itself when TLS is on and the operator named none: ECDSA
/// P-256 (quick to make, accepted by every browser), valid for ten years so that the fingerprint
/// clients pinned stays valid, for the host's name, localhost and the host's addresses.
/// </summary>
public static class SelfSignedCertificate
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(3650);

    public static X509Certificate2 Create(string hostName, IEnumerable<IPAddress> addresses, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(hostName);
        subject.AddOrganizationName("Nube (self-signed)");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in new[] { hostName, "localhost" }.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            try
            {
                names.AddDnsName(dns);
            }
            catch (ArgumentException)
            {
                // A host name that is not a valid DNS name (e.g. with '_') is left to the addresses.
            }
        }
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback }.Concat(addresses).Distinct())
            names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // A little in the past: a client whose clock is slightly behind still accepts it.
        return request.CreateSelfSigned(now.AddMinutes(-5), now + Lifetime);
    }

    /// <summary>The host's own unicast addresses (not link-local), for the certificate's names.</summary>
    public static IEnumerable<IPAddress> HostAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !a.IsIPv6LinkLocal);
}
