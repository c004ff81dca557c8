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
        Description = "Talk to a host service over TCP instead (needs --token-file)",
        Recursive = true,
    };

    public static readonly Option<FileInfo?> TokenFile = new("--token-file")
    {
        Description = "File holding the bearer token for --url",
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
        root.Options.Add(Json);
    }

    public static NubeApiClient Client(ParseResult p)
    {
        if (p.GetValue(Url) is { } url)
        {
            var tokenFile = p.GetValue(TokenFile) ?? throw new CliException(ExitCodes.Usage, "--url needs --token-file with the host's bearer token.");
            return NubeApiClient.ForUrl(url, File.ReadAllText(tokenFile.FullName).Trim());
        }
        return NubeApiClient.ForUnixSocket(p.GetValue(Socket)!);
    }
}
