using System.Diagnostics;
using System.Text.Json;
using Nube.Contracts.Vms;

namespace Nube.Bench;

/// <summary>One way of listing the VMs, timed end to end.</summary>
public sealed record CliVariant(string Label, string File, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Env, bool Json, bool Product, string Note);

public sealed record CliSeries(CliVariant Variant, IReadOnlyList<double> Ms, string Check);

public sealed record CliResult(int VmCount, double CreateMs, IReadOnlyList<CliSeries> Series, IReadOnlyList<double> ApiMs, IReadOnlyList<double> ApiColdMs);

/// <summary>
/// Figure 2: the latency of <c>nube vm list</c> with many VMs defined, as a user sees it (a new
/// CLI process each time), with the API call alone for reference.
/// </summary>
public sealed class CliFigure(BenchOptions options, Workspace workspace)
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(30);

    public async Task<CliResult> RunAsync(CancellationToken ct)
    {
        await using var nubed = await Nubed.StartAsync(workspace.Folder("fig2-nubed"), ct);
        try
        {
            return await MeasureAsync(nubed, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"bench: fig2 failed; the last lines of nubed's log:\n{nubed.LogTail(40)}");
            throw;
        }
    }

    private async Task<CliResult> MeasureAsync(Nubed nubed, CancellationToken ct)
    {
        var client = nubed.Client;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < options.VmCount; i++)
        {
            await client.CreateVmAsync(new VmSettings
            {
                Name = $"bench-{i:D3}",
                MemoryStartupMiB = 512,
                Boot = new BootSettings
                {
                    Kind = "kernel",
                    Kernel = Path.Combine(options.GuestDir, "vmlinux"),
                    Initrd = Path.Combine(options.GuestDir, "initrd.img"),
                    CommandLine = "console=ttyS0",
                },
            }, ct);
        }
        var createMs = sw.Elapsed.TotalMilliseconds;
        Console.Error.WriteLine($"bench: fig2 created {options.VmCount} VMs in {createMs:0} ms");

        var variants = Variants(nubed.Socket);
        var series = variants.ToDictionary(v => v, _ => new List<double>());
        var checks = variants.ToDictionary(v => v, _ => "");
        for (var i = -options.CliWarmup; i < options.CliRuns; i++)
        {
            // Rotate the order each round, so that no variant always runs right after another.
            for (var k = 0; k < variants.Count; k++)
            {
                var v = variants[(k + Math.Max(i, 0)) % variants.Count];
                var r = await ProcessTools.RunAsync(v.File, v.Args, CliTimeout, ct, v.Env.ToDictionary());
                var check = Check(v, r);
                if (check is not null && !checks[v].StartsWith("FAILED", StringComparison.Ordinal))
                    checks[v] = check;
                if (i >= 0)
                    series[v].Add(r.Elapsed.TotalMilliseconds);
            }
        }
        foreach (var v in variants.Where(v => checks[v] == ""))
            checks[v] = v.Args.Contains("--version") ? "exit 0" : v.Json ? $"exit 0, {options.VmCount} VMs in the JSON" : $"exit 0, {options.VmCount} names in the table";

        // The API call alone: a warm client (connection kept alive), then a new client (and connection) per call.
        var api = new List<double>();
        var apiCold = new List<double>();
        for (var i = -options.CliWarmup; i < options.CliRuns; i++)
        {
            var t = Stopwatch.StartNew();
            var list = await client.ListVmsAsync(ct);
            if (i >= 0)
                api.Add(t.Elapsed.TotalMilliseconds);
            if (list.Count != options.VmCount)
                throw new InvalidOperationException($"ListVmsAsync returned {list.Count} VMs, not {options.VmCount}");
            t.Restart();
            using (var fresh = Nube.Contracts.Client.NubeApiClient.ForUnixSocket(nubed.Socket))
                await fresh.ListVmsAsync(ct);
            if (i >= 0)
                apiCold.Add(t.Elapsed.TotalMilliseconds);
        }
        return new CliResult(options.VmCount, createMs, [.. variants.Select(v => new CliSeries(v, series[v], checks[v]))], api, apiCold);
    }

    private List<CliVariant> Variants(string socket)
    {
        var bin = AppContext.BaseDirectory;
        var none = new Dictionary<string, string>();
        string[] list = ["--socket", socket, "vm", "list"];
        string[] json = [.. list, "--json"];
        var v = new List<CliVariant>
        {
            new("`dotnet nube.dll vm list`", "dotnet", [Path.Combine(bin, "nube.dll"), .. list], none, false, true, "as built (Release, framework-dependent, JIT)"),
            new("`dotnet nube.dll vm list --json`", "dotnet", [Path.Combine(bin, "nube.dll"), .. json], none, true, true, "as built"),
            new("`nube vm list` (apphost)", Path.Combine(bin, "nube"), list, none, false, true, "as built: the Release apphost"),
            new("`nube vm list --json` (apphost)", Path.Combine(bin, "nube"), json, none, true, true, "as built: the Release apphost"),
            new("`nube --version` (apphost)", Path.Combine(bin, "nube"), ["--version"], none, false, true, "startup floor: no request, no table"),
            new("`nube vm list`, TieredPGO off", Path.Combine(bin, "nube"), list, new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0" }, false, false, "demo: env DOTNET_TieredPGO=0 on the product's apphost"),
        };
        if (options.CliReadyToRunDir is { } r2r && File.Exists(Path.Combine(r2r, "nube")))
        {
            v.Add(new("`nube vm list`, ReadyToRun", Path.Combine(r2r, "nube"), list, none, false, false, "demo: bench-only publish with PublishReadyToRun=true"));
            v.Add(new("`nube vm list --json`, ReadyToRun", Path.Combine(r2r, "nube"), json, none, true, false, "demo: bench-only publish with PublishReadyToRun=true"));
            v.Add(new("`nube vm list`, ReadyToRun + TieredPGO off", Path.Combine(r2r, "nube"), list, new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0" }, false, false, "demo: both settings"));
            v.Add(new("`nube --version`, ReadyToRun", Path.Combine(r2r, "nube"), ["--version"], none, false, false, "demo: startup floor with ReadyToRun"));
        }
        return v;
    }

    /// <summary>Null when the output is right; otherwise what is wrong with it.</summary>
    private string? Check(CliVariant v, ProcessResult r)
    {
        if (r.ExitCode != 0)
            return $"FAILED: exit {r.ExitCode}: {r.Stderr.Trim().Split('\n')[0]}";
        if (v.Args.Contains("--version"))
            return null;
        if (v.Json)
        {
            try
            {
                using var doc = JsonDocument.Parse(r.Stdout);
                var n = doc.RootElement.GetArrayLength();
                return n == options.VmCount ? null : $"FAILED: {n} VMs in the JSON";
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return $"FAILED: not a JSON array: {e.Message}";
            }
        }
        var names = r.Stdout.Split("bench-").Length - 1;
        return names == options.VmCount ? null : $"table shows {names} of {options.VmCount} names (output {r.Stdout.Length} chars)";
    }
}
