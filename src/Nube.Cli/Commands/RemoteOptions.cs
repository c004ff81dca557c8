using System.CommandLine;
using Nube.Contracts.Hosts;

namespace Nube.Cli.Commands;

/// <summary>
/// <c>nube host set</c>'s remote-management options: the TCP listener of the API and the web console,
/// its TLS, and whether that listener serves the web console at all.
/// </summary>
public sealed class RemoteOptions
{
    private readonly Option<string?> enabled = new("--remote") { Description = "Remote management (the TCP listener): on or off" };
    private readonly Option<string?> address = new("--remote-address") { Description = "The IP address to listen on, e.g. 0.0.0.0 or 127.0.0.1" };
    private readonly Option<int?> port = new("--remote-port") { Description = "The TCP port to listen on (default 8006)" };
    private readonly Option<string?> tls = new("--tls") { Description = "TLS on the listener: on (the default) or off" };
    private readonly Option<string?> certificate = new("--certificate")
    {
        Description = "Your own certificate (PEM) instead of the host's self-signed one; give it with --key, or both as '' to go back",
    };
    private readonly Option<string?> key = new("--key") { Description = "The private key (PEM) of --certificate" };
    private readonly Option<string?> webConsole = new("--web-console")
    {
        Description = "The web console on the listener: on (the default) or off; the API stays either way",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { enabled, address, port, tls, certificate, key, webConsole })
            command.Options.Add(option);
    }

    /// <summary>The change asked for, or null when no remote option was given.</summary>
    public RemoteManagementSettings? Settings(ParseResult p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var change = new RemoteManagementSettings
        {
            Enabled = OnOff("--remote", p.GetValue(enabled)),
            Address = p.GetValue(address),
            Port = p.GetValue(port),
            Tls = OnOff("--tls", p.GetValue(tls)),
            CertificatePath = Full(p.GetValue(certificate)),
            KeyPath = Full(p.GetValue(key)),
        };
        return change == new RemoteManagementSettings() ? null : change;
    }

    /// <summary>The web console turned on or off, or null when --web-console was not given.</summary>
    public bool? WebConsole(ParseResult p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return OnOff("--web-console", p.GetValue(webConsole));
    }

    public static string Describe(RemoteManagementInfo r) =>
        !r.Enabled ? $"off (would listen on {r.Address}:{r.Port}{(r.Tls ? " with TLS" : "")})"
        : r.Url is { } url ? $"on: {url} ({(r.Tls ? "TLS" : "no TLS")}, listening on {r.Address}:{r.Port})"
        : $"on, but not listening on {r.Address}:{r.Port}: see nubed's log";

    public static string DescribeWebConsole(HostInfo h)
    {
        ArgumentNullException.ThrowIfNull(h);
        return !h.WebConsole ? "off (the listener serves the API only)"
            : h.Remote.Url is { } url ? $"on: {url}"
            : "on, served once remote management is on";
    }

    /// <summary>The service resolves nothing relative to the caller's folder; an empty path (go back to the self-signed certificate) stays empty.</summary>
    private static string? Full(string? path) => string.IsNullOrEmpty(path) ? path : Path.GetFullPath(path);

    private static bool? OnOff(string option, string? word) => word?.ToLowerInvariant() switch
    {
        null => null,
        "on" => true,
        "off" => false,
        _ => throw new CliException(ExitCodes.Usage, $"{option}: '{word}' is not on or off."),
    };
}
