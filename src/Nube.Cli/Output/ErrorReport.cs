using System.Text.Json;
using Nube.Cli.Commands;
using Nube.Contracts;
using Nube.Contracts.Jobs;
using Spectre.Console;

namespace Nube.Cli.Output;

/// <summary>
/// Says why a command failed: one line on stderr (<c>error: ...</c>), or with <c>--json</c> a
/// <see cref="CliProblem"/> on stdout; the exit code is the same either way.
/// </summary>
public static class ErrorReport
{
    public static int Write(bool json, int exitCode, string message, ApiProblem? problem = null, JobInfo? job = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new CliProblem
            {
                Title = problem?.Title ?? Title(exitCode),
                Status = problem?.Status,
                Detail = problem?.Detail ?? message,
                Errors = problem?.Errors,
                JobId = problem?.JobId ?? job?.Id,
                QmpCommand = problem?.QmpCommand,
                ExitCode = exitCode,
                Job = job,
            }, CliJson.Default.CliProblem));
        }
        // A log or a test gets the message whole; only a terminal wraps it at its width.
        else if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine($"error: {message}");
        }
        else
        {
            Terminal.Error.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        }
        return exitCode;
    }

    /// <summary>docs/cli.md's words for each exit code, as a problem's title.</summary>
    public static string Title(int exitCode) => exitCode switch
    {
        ExitCodes.Usage => "Bad usage",
        ExitCodes.NotFound => "No such VM or job",
        ExitCodes.Conflict => "The VM's state does not allow it",
        ExitCodes.Invalid => "Invalid settings",
        ExitCodes.Unreachable => "The host service cannot be reached",
        ExitCodes.NotAllowed => "Not authenticated or not allowed",
        _ => "The operation failed",
    };
}
