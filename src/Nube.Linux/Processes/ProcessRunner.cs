using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Nube.Linux.Processes;

/// <summary>
/// Runs a host program to its end (qemu-img, ip, apt-get ...) as a child of nubed, with no
/// terminal, an empty standard input and the C locale, bounded in time. Long-lived programs
/// that must outlive nubed (QEMU) start through <see cref="ProcessSpawner"/> instead.
/// </summary>
public static class ProcessRunner
{
    /// <summary>Output kept for the result; a longer one (a big apt-get run) still reaches the line callback whole.</summary>
    private const int KeptChars = 1 << 20;

    public static async Task<CommandResult> RunAsync(HostCommand command, CancellationToken ct, Action<string>? onLine = null)
    {
        var psi = new ProcessStartInfo(command.Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Arguments)
            psi.ArgumentList.Add(argument);
        psi.Environment["LC_ALL"] = "C";
        foreach (var (name, value) in command.Environment)
            psi.Environment[name] = value;
        Process? started;
        try
        {
            started = Process.Start(psi);
        }
        catch (Win32Exception e)
        {
            return new CommandResult(CommandResult.NotFound, "", $"{command.Program}: {e.Message}");
        }
        using var process = started ?? throw new HostCommandException(command.ToString(), $"'{command}' could not be started.");
        // Nothing may wait for an answer from a person who is not there.
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var reading = ReadLinesAsync(process.StandardOutput, line =>
        {
            if (stdout.Length < KeptChars)
                stdout.Append(line).Append('\n');
            onLine?.Invoke(line);
        });
        var stderr = ReadKeptAsync(process.StandardError);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(command.Timeout);
        try
        {
            await process.WaitForExitAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            throw new HostCommandException(command.ToString(),
                $"'{command}' did not finish within {command.Timeout.TotalSeconds:0} s, so it was stopped.");
        }
        await reading.ConfigureAwait(false);
        return new CommandResult(process.ExitCode, stdout.ToString(), await stderr.ConfigureAwait(false));
    }

    private static async Task ReadLinesAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            onLine(line);
    }

    private static async Task<string> ReadKeptAsync(StreamReader reader)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (kept.Length < KeptChars)
                kept.Append(buffer, 0, read);
        }
        return kept.ToString();
    }
}
