using Spectre.Console;

namespace Nube.Cli.Output;

/// <summary>
/// Where the CLI writes: results on stdout, errors and progress on stderr, so that a script
/// that captures stdout gets only the result while the person at the terminal sees progress.
/// </summary>
public static class Terminal
{
    private static readonly Lazy<IAnsiConsole> error = new(() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
        Ansi = Console.IsErrorRedirected ? AnsiSupport.No : AnsiSupport.Detect,
        Interactive = Console.IsErrorRedirected ? InteractionSupport.No : InteractionSupport.Yes,
    }));

    /// <summary>stderr, with colours only when it is a terminal.</summary>
    public static IAnsiConsole Error => error.Value;

    /// <summary>A live display needs a terminal that understands cursor movement; a log gets plain lines.</summary>
    public static bool LiveProgress => !Console.IsErrorRedirected && Error.Profile.Capabilities.Ansi;
}
