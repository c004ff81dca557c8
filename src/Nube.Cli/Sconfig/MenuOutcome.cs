namespace Nube.Cli.Sconfig;

/// <summary>What an item leaves behind: a line to show above the next prompt, and whether the menu ends.</summary>
internal sealed record MenuOutcome(string? Message, bool Leave = false)
{
    public static readonly MenuOutcome Nothing = new((string?)null);

    public static MenuOutcome Exit(string? message = null) => new(message, Leave: true);
}
