using System.Diagnostics;
using Nube.Contracts.Client;

namespace Nube.Bench;

/// <summary>
/// A real <c>nubed</c> (the Release build copied into the bench's output) on its own data and
/// runtime folders below the workspace. Disposing it ends the service and the QEMUs it started.
/// </summary>
public sealed class Nubed : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly List<string> log = [];
    private readonly Process process;

    public string DataDir { get; }
    public string RunDir { get; }
    public string Socket => Path.Combine(RunDir, "nubed.sock");
    public NubeApiClient Client { get; }
    /// <summary>Its TLS API's address (https://HOST:PORT/) when it was started with <c>--listen</c>.</summary>
    public string? ListenUrl { get; private init; }
    /// <summary>The service's own process (<c>ip netns exec</c> execs it in place, so the pid is nubed's).</summary>
    public int ProcessId => process.Id;

    private Nubed(Process process, string dataDir, string runDir)
    {
        this.process = process;
        DataDir = dataDir;
        RunDir = runDir;
        // Longer than any single request of the bench (an agent wait is at most 120 s).
        Client = NubeApiClient.ForUnixSocket(Socket, TimeSpan.FromMinutes(3));
    }

    /// <summary>Runs one figure against its own nubed; on failure, shows the end of nubed's log.</summary>
    /// <param name="guestDir">Made a storage root, so that the VMs may boot the test guest from where it was built.</param>
    /// <param name="netns">A network namespace to run nubed (and so its QEMUs) in, or null.</param>
    public static async Task<T> MeasureWithAsync<T>(string folder, string guestDir, string figure,
        Func<Nubed, CancellationToken, Task<T>> measure, CancellationToken ct, string? netns = null, string? dll = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var nubed = await StartAsync(folder, guestDir, ct, netns, dll, environment);
        try
        {
            return await measure(nubed, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"bench: {figure} failed; the last lines of nubed's log:\n{nubed.LogTail(40)}");
            throw;
        }
    }

    /// <summary>
    /// The nubed to run: the one built with the bench, unless <c>NUBE_BENCH_NUBED</c> names another
    /// build's nubed.dll (to measure a branch's service with this bench).
    /// </summary>
    public static string NubedDll =>
        Environment.GetEnvironmentVariable("NUBE_BENCH_NUBED") is { Length: > 0 } other ? Path.GetFullPath(other)
            : Path.Combine(AppContext.BaseDirectory, "nubed.dll");

    /// <param name="environment">Added to nubed's environment, e.g. a log level (<c>Logging__LogLevel__CATEGORY</c>).</param>
    /// <param name="wrap">A command line that execs the one appended to it, e.g. into cgroups of its own (instead of a netns).</param>
    /// <param name="extraArgs">Added to nubed's own arguments (<c>--listen</c>, <c>--vm-uid-base</c>).</param>
    public static async Task<Nubed> StartAsync(string folder, string guestDir, CancellationToken ct, string? netns = null, string? dll = null,
        IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? wrap = null, IReadOnlyList<string>? extraArgs = null)
    {
        var dataDir = Path.Combine(folder, "data");
        var runDir = Path.Combine(folder, "run");
        Directory.CreateDirectory(dataDir);
        await File.WriteAllTextAsync(Path.Combine(dataDir, "host.json"),
            $$"""{"schemaVersion": 1, "storageRoots": [{{System.Text.Json.JsonSerializer.Serialize(guestDir)}}]}""", ct);
        dll ??= NubedDll;
        // ip netns exec enters the namespace and execs the service in place (same pid); a wrapper must exec it too.
        // A shell in the wrapper drops variables whose names are not identifiers (a log category's
        // dot): they pass through env(1), which execs in place as well.
        string[] viaEnv = wrap is null || environment is null ? [] : ["env", .. environment.Select(e => $"{e.Key}={e.Value}")];
        string[] argv = [.. netns is null ? wrap ?? [] : ["ip", "netns", "exec", netns], .. viaEnv, "dotnet", dll, "--data-dir", dataDir, "--run-dir", runDir,
            .. extraArgs ?? []];
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Its install folder, as a service manager would start it.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var a in argv[1..])
            psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            psi.Environment[key] = value;
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start nubed");
        var listen = Array.IndexOf(argv, "--listen");
        var nubed = new Nubed(p, dataDir, runDir) { ListenUrl = listen > 0 && listen + 1 < argv.Length ? argv[listen + 1].TrimEnd('/') + "/" : null };
        p.OutputDataReceived += (_, e) => nubed.Append(e.Data);
        p.ErrorDataReceived += (_, e) => nubed.Append(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            var sw = Stopwatch.StartNew();
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (p.HasExited)
                    throw new InvalidOperationException($"nubed exited with code {p.ExitCode} while starting:\n{nubed.Log}");
                try
                {
                    await nubed.Client.GetHostAsync(ct);
                    return nubed;
                }
                catch (HttpRequestException) when (sw.Elapsed < StartTimeout)
                {
                    await Task.Delay(100, ct);
                }
            }
        }
        catch
        {
            await nubed.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.Add(line);
    }

    public string Log
    {
        get { lock (log) return string.Join('\n', log); }
    }

    /// <summary>The text after <paramref name="marker"/> on the first log line that has it.</summary>
    public string? FindInLog(string marker)
    {
        lock (log)
        {
            var line = log.FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
            return line?[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
        }
    }

    /// <summary>
    /// When nubed logged the last line containing <paramref name="marker"/> (its console log
    /// stamps each line with the local time to the millisecond, taken when the line is logged).
    /// </summary>
    public DateTime? LastLogTime(string marker, DateTime near)
    {
        string? line;
        lock (log)
            line = log.LastOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
        if (line is null || !TimeOnly.TryParseExact(line.Split(' ')[0], "HH:mm:ss.fff", out var time))
            return null;
        // The log has no date: take the day that puts the time nearest to the reference.
        var candidates = new[] { -1, 0, 1 }.Select(d => near.Date.AddDays(d).Add(time.ToTimeSpan()));
        return candidates.MinBy(c => Math.Abs((c - near).Ticks));
    }

    /// <summary>How many lines nubed has logged so far: a mark for <see cref="LogSince"/>.</summary>
    public int LogCount
    {
        get { lock (log) return log.Count; }
    }

    /// <summary>The lines logged after <paramref name="mark"/> (a <see cref="LogCount"/> taken earlier).</summary>
    public IReadOnlyList<string> LogSince(int mark)
    {
        lock (log)
            return [.. log.Skip(mark)];
    }

    public string LogTail(int lines)
    {
        lock (log)
            return string.Join('\n', log.TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited)
        {
            // SIGTERM first: the service shuts down cleanly; its VMs would live on, so they are killed below.
            ProcessTools.Terminate(process.Id);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
        var vmsRun = Path.Combine(RunDir, "vms");
        if (Directory.Exists(vmsRun))
        {
            foreach (var pidFile in Directory.EnumerateFiles(vmsRun, "pid", SearchOption.AllDirectories))
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && ProcessTools.IsAlive(pid))
                    ProcessTools.Kill(pid);
        }
        process.Dispose();
    }
}
