using System.Text;

namespace Nube.Cli.Commands;

/// <summary>
/// Where a new password comes from: a file (its first line), or typed twice at a terminal without
/// echo, or the first line of standard input when that is not a terminal (a script's pipe). It is
/// never taken from the command line, where other users see it in the process list.
/// </summary>
public static class PasswordInput
{
    public static string Read(FileInfo? file, string userName)
    {
        if (file is not null)
            return FirstLine(file);
        if (Console.IsInputRedirected)
            return Console.In.ReadLine() ?? throw new CliException(ExitCodes.Usage,
                "No password on standard input: give it as the first line, or use --password-file.");
        var first = Prompt($"New password for {userName}: ");
        var second = Prompt("Type it again: ");
        if (first != second)
            throw new CliException(ExitCodes.Usage, "The two passwords typed differ; nothing was changed.");
        return first;
    }

    private static string FirstLine(FileInfo file)
    {
        try
        {
            using var reader = file.OpenText();
            return reader.ReadLine() ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"--password-file: {e.Message}");
        }
    }

    private static string Prompt(string prompt)
    {
        Console.Error.Write(prompt);
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
                break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                    typed.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
        Console.Error.WriteLine();
        return typed.ToString();
    }
}
