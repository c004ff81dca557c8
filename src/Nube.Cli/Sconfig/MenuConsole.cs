using System.Text;

namespace Nube.Cli.Sconfig;

/// <summary>
/// The menu's plain text I/O: whole lines in and out, no colours, so that it works over SSH, in tmux
/// and with TERM=dumb. The screen is cleared between menus only on a terminal that can; typed secrets
/// are read key by key without echo. With piped input (scripts, tests) each answer is echoed after
/// its prompt, so that the transcript reads as a session would.
/// </summary>
internal sealed class MenuConsole(TextReader input, TextWriter output, bool terminalInput, bool canClear)
{
    public static MenuConsole ForConsole() => new(Console.In, Console.Out, !Console.IsInputRedirected,
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term && term != "dumb");

    /// <summary>Set once the input has ended (Ctrl+D, or the end of a pipe): the menu leaves.</summary>
    public bool Ended { get; private set; }

    public void Clear()
    {
        if (canClear)
            output.Write("\u001b[H\u001b[2J");
        else
            output.WriteLine();
    }

    public void Line(string text = "") => output.WriteLine(text);

    /// <summary>The answer to <paramref name="prompt"/>, trimmed; null when the input has ended.</summary>
    public string? Ask(string prompt)
    {
        output.Write(prompt);
        output.Flush();
        var line = input.ReadLine();
        if (line is null)
        {
            Ended = true;
            output.WriteLine();
            return null;
        }
        if (!terminalInput)
            output.WriteLine(line);
        return line.Trim();
    }

    /// <summary>A yes-or-no question whose default, and answer to anything but y or yes, is no.</summary>
    public bool Confirm(string question) =>
        Ask($"{question} (y/N): ")?.ToLowerInvariant() is "y" or "yes";

    /// <summary>Waits for Enter, so that a listing stays on the screen until it has been read.</summary>
    public void Pause() => Ask("Press Enter to return to the menu.");

    /// <summary>A secret typed without echo; null when the input ended or Escape was pressed.</summary>
    public string? AskSecret(string prompt)
    {
        output.Write(prompt);
        output.Flush();
        if (!terminalInput)
        {
            var piped = input.ReadLine();
            output.WriteLine();
            Ended |= piped is null;
            return piped;
        }
        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    output.WriteLine();
                    return secret.ToString();
                case ConsoleKey.Escape:
                    output.WriteLine();
                    return null;
                case ConsoleKey.Backspace:
                    if (secret.Length > 0)
                        secret.Length--;
                    break;
                default:
                    if (key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key == ConsoleKey.D)
                    {
                        output.WriteLine();
                        Ended = true;
                        return null;
                    }
                    if (!char.IsControl(key.KeyChar))
                        secret.Append(key.KeyChar);
                    break;
            }
        }
    }
}
