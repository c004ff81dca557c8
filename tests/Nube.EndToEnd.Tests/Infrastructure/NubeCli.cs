using System.Diagnostics;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>Runs the real <c>nube</c> CLI against a test host, bounded in time.</summary>
public static class NubeCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>The CLI wraps long lines to the terminal; join them back (without colours) to compare whole messages.</summary>
    public static string Flat(string text) => string.Join(" ", text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        .Replace("\u001b[38;5;9m", "").Replace("\u001b[0m", "");

    public static async Task<Result> RunAsync(NubedHost host, params string[] args) =>
        await RunAsync(host, null, TimeSpan.FromSeconds(120), args);

    /// <summary>Runs a command that must succeed; fails the test with the CLI's words otherwise.</summary>
    public static async Task<Result> OkAsync(NubedHost host, params string[] args)
    {
        var r = await RunAsync(host, args);
        Assert.True(r.ExitCode == 0, $"nube {string.Join(' ', args)}: {r.Stderr}");
        return r;
    }

    /// <summary>Creates a VM that boots the test guest's kernel (256 MiB, COM1 as console) with the options given; its id.</summary>
    public static async Task<Guid> NewGuestVmAsync(NubedHost host, string name, params string[] options)
    {
        var r = await OkAsync(host, ["vm", "new", name, "--kernel", TestGuest.Kernel, "--initrd", TestGuest.Initrd,
            "--append", "console=ttyS0", "--memory", "256", .. options, "--json"]);
        return System.Text.Json.JsonSerializer.Deserialize(r.Stdout, Nube.Contracts.ContractsJson.Default.VmDetails)!.Summary.Id;
    }

    /// <summary>
    /// Starts a VM that boots through its firmware, which under TCG takes up to minutes, and waits
    /// for its guest agent; the seconds that took, for the test's output.
    /// </summary>
    public static async Task<double> StartFromFirmwareAsync(NubedHost host, string name)
    {
        var clock = Stopwatch.StartNew();
        var started = await RunAsync(host, null, TimeSpan.FromSeconds(200), "vm", "start", name, "--wait-agent", "180");
        Assert.True(started.ExitCode == 0, started.Stderr);
        return clock.Elapsed.TotalSeconds;
    }

    public static async Task<Result> RunAsync(NubedHost host, string? stdin, TimeSpan timeout, params string[] args)
    {
        using var p = Start(host, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
            await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"nube {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s; stdout: {await stdout}");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the CLI and leaves it running, for commands that follow (events); the caller ends it.</summary>
    public static Process Start(NubedHost host, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nube.dll"));
        psi.ArgumentList.Add("--socket");
        psi.ArgumentList.Add(host.Socket);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["COLUMNS"] = "200";
        return Process.Start(psi)!;
    }
}
