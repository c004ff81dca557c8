using System.Net.Http;
using Nube.Contracts.Client;

namespace Nube.Cli.Sconfig;

/// <summary>A value the menu shows, or why it could not be had; one missing value does not hide the others.</summary>
internal sealed record Fetched<T>(T? Value, string? Error) where T : class
{
    public static async Task<Fetched<T>> FromAsync(Func<Task<T>> fetch)
    {
        try
        {
            return new(await fetch(), null);
        }
        catch (NubeApiException e)
        {
            return new(null, MenuText.OneLine(e.Message));
        }
        catch (HttpRequestException e)
        {
            return new(null, $"cannot reach the host service ({e.Message})");
        }
    }

    /// <summary>The value shown by <paramref name="show"/>, or "unavailable" and why.</summary>
    public string Show(Func<T, string> show) => Value is { } v ? show(v) : $"unavailable: {Error}";
}
