using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Nube.Contracts.Client;

namespace Nube.Cli.Commands;

/// <summary>
/// Looks at the certificate an https:// host service presents before any request is sent, so that
/// an untrusted or unexpected certificate is refused with a sentence that says what to do, rather
/// than as a failed handshake deep inside a request.
/// </summary>
public static class TlsCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <param name="fingerprint">The SHA-256 the certificate must have; null trusts the system's authorities instead.</param>
    public static void Check(Uri url, string? fingerprint)
    {
        X509Certificate2? presented = null;
        var errors = SslPolicyErrors.None;
        try
        {
            using var tcp = new TcpClient();
            using var limit = new CancellationTokenSource(Timeout);
            tcp.ConnectAsync(url.Host.Trim('[', ']'), url.Port, limit.Token).AsTask().GetAwaiter().GetResult();
            using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, policyErrors) =>
            {
                presented = certificate is null ? null : new X509Certificate2(certificate);
                errors = policyErrors;
                return true;
            });
            tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = url.IdnHost }, limit.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            throw new CliException(ExitCodes.Unreachable, $"Cannot reach the host service at {url}: {e.Message}. Is remote management on?");
        }
        using (presented)
        {
            if (presented is null)
                throw new CliException(ExitCodes.Unreachable, $"The host service at {url} presented no certificate.");
            var actual = string.Join(':', Convert.ToHexString(presented.GetCertHash(HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)));
            if (fingerprint is not null)
            {
                if (NubeApiClient.NormaliseFingerprint(fingerprint) != NubeApiClient.NormaliseFingerprint(actual))
                    throw new CliException(ExitCodes.Unreachable,
                        $"The host service at {url} presented a certificate whose SHA-256 fingerprint is {actual}, not the {fingerprint} " +
                        "given with --fingerprint (or NUBE_FINGERPRINT): refusing to talk to it. Compare with 'nube host info' on the host.");
                return;
            }
            if (errors != SslPolicyErrors.None)
                throw new CliException(ExitCodes.Unreachable,
                    $"The certificate of the host service at {url} is not trusted ({errors}). If 'nube host info' on the host shows " +
                    $"the fingerprint {actual}, pass --fingerprint {actual} (or set NUBE_FINGERPRINT).");
        }
    }
}
