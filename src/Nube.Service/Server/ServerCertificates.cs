using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Nube.Core.Hosts;
using Nube.Core.Validation;
using Nube.Linux;

namespace Nube.Service.Server;

/// <summary>
/// The TCP listener's certificate: the operator's own PEM files, or the one the host made for
/// itself on first need, kept in <c>&lt;data&gt;/tls/</c> (key 0600) and reused across restarts so
/// that its fingerprint stays what clients pinned. The listener asks for <see cref="Current"/> at
/// each TLS handshake, so a new certificate takes effect without a rebind.
/// </summary>
public sealed class ServerCertificates(string dataDirectory, TimeProvider time)
{
    private volatile TlsCertificate? current;

    public string SelfSignedCertificatePath { get; } = Path.Combine(dataDirectory, "tls", "nubed.crt");
    public string SelfSignedKeyPath { get; } = Path.Combine(dataDirectory, "tls", "nubed.key");

    /// <summary>What the listener presents; null without TLS.</summary>
    public TlsCertificate? Current => current;

    public void Use(TlsCertificate? certificate) => current = certificate;

    /// <summary>
    /// The certificate the settings ask for. The operator's files that cannot be read, or do not
    /// hold a certificate and its key, are refused naming the setting.
    /// </summary>
    public async Task<TlsCertificate> LoadAsync(RemoteManagement remote, CancellationToken ct)
    {
        if (remote.CertificatePath is { } certificatePath && remote.KeyPath is { } keyPath)
            return new TlsCertificate(await LoadOperatorsAsync(certificatePath, keyPath, ct).ConfigureAwait(false), SelfSigned: false);
        return new TlsCertificate(await LoadOrMakeSelfSignedAsync(remote, ct).ConfigureAwait(false), SelfSigned: true);
    }

    private static async Task<X509Certificate2> LoadOperatorsAsync(string certificatePath, string keyPath, CancellationToken ct)
    {
        var certificatePem = await ReadAsync("remote.certificatePath", certificatePath, ct).ConfigureAwait(false);
        var keyPem = await ReadAsync("remote.keyPath", keyPath, ct).ConfigureAwait(false);
        try
        {
            using var alone = X509Certificate2.CreateFromPem(certificatePem);
        }
        catch (CryptographicException e)
        {
            throw Invalid("remote.certificatePath", certificatePath, $"does not hold a PEM certificate ({e.Message})");
        }
        try
        {
            return X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw Invalid("remote.keyPath", keyPath, $"is not the PEM private key of the certificate {certificatePath} ({e.Message})");
        }
    }

    private async Task<X509Certificate2> LoadOrMakeSelfSignedAsync(RemoteManagement remote, CancellationToken ct)
    {
        if (File.Exists(SelfSignedCertificatePath))
        {
            try
            {
                return X509Certificate2.CreateFromPemFile(SelfSignedCertificatePath, SelfSignedKeyPath);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                // Never replaced silently: clients pinned its fingerprint.
                throw new ValidationException([new("remote.tls", "true", $"remote.tls: the host's certificate {SelfSignedCertificatePath} " +
                    $"or its key {SelfSignedKeyPath} cannot be read ({e.Message}); remove both to have a new one made")]);
            }
        }
        var addresses = SelfSignedCertificate.HostAddresses().ToList();
        if (System.Net.IPAddress.TryParse(remote.Address, out var bound) && !bound.Equals(System.Net.IPAddress.Any)
            && !bound.Equals(System.Net.IPAddress.IPv6Any))
            addresses.Add(bound);
        using var made = SelfSignedCertificate.Create(Environment.MachineName, addresses, time.GetUtcNow());
        Directory.CreateDirectory(Path.GetDirectoryName(SelfSignedCertificatePath)!);
        using var key = made.GetECDsaPrivateKey()!;
        // The key first: a certificate on disk always has its key beside it.
        await AtomicFile.WriteAllTextAsync(SelfSignedKeyPath, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite, ct)
            .ConfigureAwait(false);
        await AtomicFile.WriteAllTextAsync(SelfSignedCertificatePath, made.ExportCertificatePem(), ct).ConfigureAwait(false);
        return X509Certificate2.CreateFromPemFile(SelfSignedCertificatePath, SelfSignedKeyPath);
    }

    private static async Task<string> ReadAsync(string field, string path, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid(field, path, $"cannot be read ({e.Message})");
        }
    }

    private static ValidationException Invalid(string field, string path, string why) =>
        new([new ValidationError(field, path, $"{field}: '{path}' {why}")]);
}
