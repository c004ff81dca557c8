using System.Net;
using Nube.Core.Hosts;

namespace Nube.Core.Validation;

/// <summary>Checks the TCP listener's settings: an IP address, a port, and a certificate given with its key.</summary>
public static class RemoteManagementRules
{
    public static void Check(RemoteManagement remote, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(errors);
        if (!IPAddress.TryParse(remote.Address, out _))
            errors.Add(new("remote.address", remote.Address,
                $"remote.address: {Quoting.Quote(remote.Address)} is not an IP address (such as 0.0.0.0, 127.0.0.1 or ::)"));
        if (remote.Port is < 1 or > 65535)
            errors.Add(Messages.Outside("remote.port", remote.Port, "ports", 1, 65535));
        if (remote.CertificatePath is null != remote.KeyPath is null)
            errors.Add(remote.CertificatePath is null
                ? Messages.Missing("remote.certificatePath", "a key needs its certificate (a PEM file)")
                : Messages.Missing("remote.keyPath", "a certificate needs its private key (a PEM file)"));
        CheckPath("remote.certificatePath", remote.CertificatePath, errors);
        CheckPath("remote.keyPath", remote.KeyPath, errors);
    }

    /// <summary>
    /// Plain HTTP only on a loopback address: anywhere else passwords, session cookies and tokens
    /// would cross the network readable. Checked where a listener is started (a change, and nubed's
    /// start, which leaves the listener off), not when host.json is read, so that an older host's
    /// settings do not keep nubed from starting.
    /// </summary>
    public static void CheckTransport(RemoteManagement remote, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(errors);
        if (remote.Enabled && !remote.Tls && IPAddress.TryParse(remote.Address, out var address) && !IPAddress.IsLoopback(address))
            errors.Add(new("remote.tls", "false",
                $"remote.tls: false is refused with remote.address {Quoting.Quote(remote.Address)}; plain HTTP is allowed only on a " +
                "loopback address (127.0.0.1 or ::1): turn TLS on, or listen on 127.0.0.1"));
    }

    private static void CheckPath(string field, string? path, List<ValidationError> errors)
    {
        if (path is not null && (!path.StartsWith('/') || path.Any(char.IsControl)))
            errors.Add(new(field, path, $"{field}: {Quoting.Quote(path)} is not an absolute path"));
    }
}
