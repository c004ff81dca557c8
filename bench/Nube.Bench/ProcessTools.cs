using System.Diagnostics;

namespace Nube.Bench;

public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

public static partial class ProcessTools
{
    private const int SigTerm = 15;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    /// <summary>Asks a process to end (SIGTERM), as systemd would.</summary>
    public static void Terminate(int pid) => SysKill(pid, SigTerm);

    public static bool IsAlive(int pid) => Nube.Qemu.Launch.QemuProcess.IsRunning(pid);

    public static void Kill(int pid)
    {
        try { Process.GetProcessById(pid).Kill(); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { /* already gone */ }
    }

    public static async Task<bool> WaitGoneAsync(int pid, TimeSpan timeout, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (sw.Elapsed > timeout)
                return false;
            await Task.Delay(20, ct);
        }
        return true;
    }

    /// <summary>Runs a program to its end with output captured; killed (and reported as exit -1) after the timeout.</summary>
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await p.WaitForExitAsync(limit.Token);
            var (o, e) = (await stdout, await stderr);
            sw.Stop();
            return new ProcessResult(p.ExitCode, o, e, sw.Elapsed);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            if (ct.IsCancellationRequested)
                throw;
            return new ProcessResult(-1, "", $"killed after {timeout.TotalSeconds:0} s", sw.Elapsed);
        }
    }

    public static string FirstLine(string file, params string[] args)
    {
        try
        {
            var r = RunAsync(file, args, TimeSpan.FromSeconds(10), CancellationToken.None).GetAwaiter().GetResult();
            return r.Stdout.Split('\n')[0].Trim();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "(not found)";
        }
    }
}
