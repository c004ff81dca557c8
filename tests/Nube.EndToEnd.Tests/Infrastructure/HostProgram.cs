using System.Diagnostics;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>Runs a program of the test machine (tmux, nsenter, hostname) to its end, bounded in time.</summary>
public static class HostProgram
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within 30 s.");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>The program's standard output, trimmed; fails the test when it does not exit 0.</summary>
    public static async Task<string> OutputAsync(string program, params string[] args)
    {
        var r = await RunAsync(program, args);
        Assert.True(r.ExitCode == 0, $"{program} {string.Join(' ', args)} exited with {r.ExitCode}: {r.Stderr}");
        return r.Stdout.Trim();
    }
}
