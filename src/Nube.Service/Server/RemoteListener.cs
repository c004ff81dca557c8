using Nube.Service.Hosts;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Nube.Contracts.Hosts;
using Nube.Core.Hosts;
using Nube.Core.Validation;

namespace Nube.Service.Server;

/// <summary>
/// Remote management: the TCP listener for the API and the web console, with TLS, following the
/// host's settings live. A change is checked first (the certificate loads, the port is free) so
/// that a refusal names the setting; then the certificate is swapped (taken at each handshake)
/// and Kestrel rebinds from <see cref="ListenerConfiguration"/>.
/// </summary>
public sealed class RemoteListener(HostRuntime host, ServerCertificates certificates, ListenerConfiguration configuration,
    IServer server, ILogger<RemoteListener> logger, RemoteManagement? fromListenSwitch)
{
    private static readonly TimeSpan RebindTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim applyLock = new(1, 1);
    private volatile RemoteManagement? fromSwitch = fromListenSwitch;

    /// <summary>The settings in effect: nubed's --listen until the remote settings are first changed, else host.json's.</summary>
    public RemoteManagement Settings => fromSwitch ?? host.Config.Remote;

    /// <summary>--listen URL as settings: http:// without TLS, https:// with it, on an IP address.</summary>
    public static RemoteManagement FromListenSwitch(string url, RemoteManagement stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || !IPAddress.TryParse(uri.Host, out var address) || uri.PathAndQuery != "/")
            throw new ValidationException([new("--listen", url,
                $"--listen: '{url}' is not a URL such as http://127.0.0.1:8006 or https://0.0.0.0:8006 (an IP address, not a name)")]);
        return stored with { Enabled = true, Address = address.ToString(), Port = uri.Port, Tls = uri.Scheme == "https" };
    }

    /// <summary>
    /// At start, before the server binds. A certificate that cannot be loaded, or plain HTTP off
    /// loopback, leaves the listener off, said in the log.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await ApplyAsync(Settings, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ValidationException or IOException or UnauthorizedAccessException)
        {
            configuration.Set(null);
            logger.LogError("Remote management is off: {Problem}", e.Message);
        }
    }

    /// <summary>Refuses settings that cannot take effect: an unreadable certificate, a port another program holds.</summary>
    public async Task CheckAsync(RemoteManagement next, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(next);
        var errors = new List<ValidationError>();
        RemoteManagementRules.Check(next, errors);
        // The rules' own refusals come with the rest of the host's settings.
        if (errors.Count > 0 || !next.Enabled)
            return;
        CheckTransport(next);
        if (next.Tls)
            await certificates.LoadAsync(next, ct).ConfigureAwait(false);
        var current = configuration.Url is { } url ? new Uri(url) : null;
        var address = IPAddress.Parse(next.Address);
        if (current is not null && IPAddress.Parse(current.Host).Equals(address) && current.Port == next.Port)
            return;
        // The port the listener holds now is free for the move; only the new address needs checking then.
        CheckBindable(address, current?.Port == next.Port ? 0 : next.Port, next.Port);
    }

    /// <summary>Makes stored settings take effect (after a change: --listen no longer applies).</summary>
    public async Task ChangeAsync(RemoteManagement next, CancellationToken ct)
    {
        fromSwitch = null;
        await ApplyAsync(next, ct).ConfigureAwait(false);
    }

    /// <summary>Waits (bounded) until the server listens as the settings say, or no longer listens.</summary>
    public async Task WaitUntilBoundAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + RebindTimeout;
        while (DateTime.UtcNow < deadline && !Bound())
            await Task.Delay(50, ct).ConfigureAwait(false);
    }

    public RemoteManagementInfo Info()
    {
        var s = Settings;
        // Where the listener is, or is moving to (a change made over TCP is answered before the move).
        var listening = configuration.Url is not null;
        var certificate = listening && s.Tls ? certificates.Current : null;
        return new RemoteManagementInfo
        {
            Enabled = s.Enabled,
            Address = s.Address,
            Port = s.Port,
            Tls = s.Tls,
            Url = listening ? PublicUrl(s) : null,
            CertificateFingerprint = certificate?.Fingerprint,
            CertificateSubject = certificate?.Certificate.Subject,
            CertificateExpiresAt = certificate is null ? null : new DateTimeOffset(certificate.Certificate.NotAfter).ToUniversalTime(),
            SelfSignedCertificate = certificate?.SelfSigned ?? false,
        };
    }

    /// <summary>Kestrel's URL for the settings, e.g. https://0.0.0.0:8006; also how Kestrel names the bound address.</summary>
    public static string KestrelUrl(RemoteManagement remote) =>
        $"{(remote.Tls ? "https" : "http")}://{new IPEndPoint(IPAddress.Parse(remote.Address), remote.Port)}";

    /// <summary>Where people reach it: the host's name when listening on every address.</summary>
    public static string PublicUrl(RemoteManagement remote)
    {
        var address = IPAddress.Parse(remote.Address);
        var hostPart = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            ? Environment.MachineName
            : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return $"{(remote.Tls ? "https" : "http")}://{hostPart}:{remote.Port}/";
    }

    private async Task ApplyAsync(RemoteManagement next, CancellationToken ct)
    {
        await applyLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!next.Enabled)
            {
                configuration.Set(null);
                certificates.Use(null);
                return;
            }
            CheckTransport(next);
            certificates.Use(next.Tls ? await certificates.LoadAsync(next, ct).ConfigureAwait(false) : null);
            configuration.Set(KestrelUrl(next));
            logger.LogInformation("Remote management on {Url}", PublicUrl(next));
        }
        finally
        {
            applyLock.Release();
        }
    }

    private bool Bound()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        return configuration.Url is { } url
            ? addresses.Contains(url, StringComparer.OrdinalIgnoreCase)
            : addresses.All(a => a.StartsWith("http://unix:", StringComparison.Ordinal));
    }

    /// <summary>No plain HTTP off loopback, whether asked by a change, by host.json or by --listen.</summary>
    private static void CheckTransport(RemoteManagement settings)
    {
        var errors = new List<ValidationError>();
        RemoteManagementRules.CheckTransport(settings, errors);
        if (errors.Count > 0)
            throw new ValidationException(errors);
    }

    /// <summary>Binds (and lets go) as Kestrel will; <paramref name="port"/> 0 checks only the address.</summary>
    private static void CheckBindable(IPAddress address, int port, int settingPort)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.Equals(IPAddress.IPv6Any))
            socket.DualMode = true;
        // As Kestrel binds: a port some connection still lingers on (TIME_WAIT) counts as free.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw new ValidationException([new("remote.address", address.ToString(),
                $"remote.address: '{address}' is not an address of this host ({e.Message})")]);
        }
        catch (SocketException e)
        {
            throw new ValidationException([new("remote.port", settingPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"remote.port: {settingPort} cannot be listened on at {address} ({e.Message}); another program may hold it")]);
        }
    }
}
