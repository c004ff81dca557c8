using System.CommandLine;
using Nube.Contracts.Client;

namespace Nube.Cli.Commands;

/// <summary>The options every command takes: which host service to talk to, and how to print.</summary>
public static class GlobalOptions
{
    public static readonly Option<string> Socket = new("--socket")
    {
        Description = "The host service's UNIX socket",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NUBE_SOCKET") ?? "/run/nube/nubed.sock",
        Recursive = true,
    };

    public static readonly Option<Uri?> Url = new("--url")
    {
        Description = "Talk to a host service over TCP instead, e.g. https://host:8006/ (needs --token-file)",
        Recursive = true,
        // System.CommandLine has no parser of its own for Uri.
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
                return url;
            r.AddError($"--url: '{text}' is not an http:// or https:// URL, such as https://host:8006/.");
            return null;
        },
    };

    public static readonly Option<FileInfo?> TokenFile = new("--token-file")
    {
        Description = "File holding the bearer token for --url: an API token ('nube token new') or nubed's own token file",
        Recursive = true,
    };

    public static readonly Option<string?> Fingerprint = new("--fingerprint")
    {
        Description = "The SHA-256 fingerprint the https:// host's certificate must have, as 'nube host info' shows it " +
            "(for the host's self-signed certificate; default: $NUBE_FINGERPRINT)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NUBE_FINGERPRINT") is { Length: > 0 } f ? f : null,
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print JSON for scripts instead of tables and sentences",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Socket);
        root.Options.Add(Url);
        root.Options.Add(TokenFile);
        root.Options.Add(Fingerprint);
        root.Options.Add(Json);
    }

    public static NubeApiClient Client(ParseResult p)
    {
        if (p.GetValue(Url) is { } url)
        {
            var tokenFile = p.GetValue(TokenFile) ?? throw new CliException(ExitCodes.Usage,
                "--url needs --token-file with a bearer token (an API token made with 'nube token new').");
            string token;
            try
            {
                token = File.ReadAllText(tokenFile.FullName).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Usage, $"--token-file: {e.Message}");
            }
            // The token would cross the network readable: only this machine's own loopback may have it in clear.
            if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
                throw new CliException(ExitCodes.Usage,
                    $"--url: '{url}' is plain HTTP to another machine, which would send the token readable on the network; " +
                    "use https:// (and --fingerprint for the host's own certificate), or http:// to 127.0.0.1 only.");
            var fingerprint = p.GetValue(Fingerprint);
            if (url.Scheme == Uri.UriSchemeHttps)
                TlsCheck.Check(url, fingerprint);
            return fingerprint is null || url.Scheme != Uri.UriSchemeHttps
                ? NubeApiClient.ForUrl(url, token)
                : NubeApiClient.ForPinnedUrl(url, token, fingerprint);
        }
        return NubeApiClient.ForUnixSocket(p.GetValue(Socket)!);
    }
}
