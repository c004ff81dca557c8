using System.Diagnostics;
using System.Text.Json;
using Nube.Contracts.Vms;

namespace Nube.Bench;

/// <summary>One CLI command, timed end to end; <paramref name="TargetMs"/>: the median it must stay under, for the CLI as users run it.</summary>
public sealed record CliVariant(string Label, string File, IReadOnlyList<string> Args, bool Json, double? TargetMs, string Note);

public sealed record CliSeries(CliVariant Variant, IReadOnlyList<double> Ms, string Check);

/// <param name="PublishedBytes">The size of the published <c>nube</c>, read while the workspace still holds it.</param>
public sealed record CliResult(int VmCount, double CreateMs, IReadOnlyList<CliSeries> Series, IReadOnlyList<double> ApiMs, IReadOnlyList<double> ApiColdMs,
    long PublishedBytes);

/// <summary>
/// Figure 2: the latency of <c>nube --version</c> (start-up alone) and of <c>nube vm list</c> with
/// many VMs defined, as a user sees it (a new CLI process each time), with the API call alone for reference.
/// </summary>
public sealed class CliFigure(BenchOptions options, Workspace workspace)
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(30);

    public Task<CliResult> RunAsync(CancellationToken ct) =>
        Nubed.MeasureWithAsync(workspace.Folder("fig2-nubed"), options.GuestDir, "fig2", MeasureAsync, ct);

    private async Task<CliResult> MeasureAsync(Nubed nubed, CancellationToken ct)
    {
        var client = nubed.Client;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < options.VmCount; i++)
        {
            await client.CreateVmAsync(options.GuestVm($"bench-{i:D3}"), ct);
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
                var r = await ProcessTools.RunAsync(v.File, v.Args, CliTimeout, ct);
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
        return new CliResult(options.VmCount, createMs, [.. variants.Select(v => new CliSeries(v, series[v], checks[v]))], api, apiCold,
            new FileInfo(Path.Combine(options.CliPublishedDir!, "nube")).Length);
    }

    /// <summary>The targets of the CLI as scripts/demo.sh installs it: start-up, and the list of many VMs.</summary>
    public const double VersionTargetMs = 15;
    public const double ListTargetMs = 50;

    private List<CliVariant> Variants(string socket)
    {
        var published = Path.Combine(options.CliPublishedDir!, "nube");
        var build = Path.Combine(options.CliBuildDir!, "nube");
        string[] list = ["--socket", socket, "vm", "list"];
        string[] json = [.. list, "--json"];
        const string asInstalled = "published, as scripts/demo.sh installs it";
        const string buildOutput = "build output, not what users run: the Release IL build's apphost (JIT)";
        return
        [
            new($"`nube --version` ({asInstalled})", published, ["--version"], false, VersionTargetMs, "start-up alone: no request, no table"),
            new($"`nube vm list` ({asInstalled})", published, list, false, ListTargetMs, "the product: `dotnet publish src/Nube.Cli -c Release` (Native AOT)"),
            new($"`nube vm list --json` ({asInstalled})", published, json, true, ListTargetMs, "the product"),
            new("`nube --version` (build output)", build, ["--version"], false, null, buildOutput),
            new("`nube vm list` (build output)", build, list, false, null, buildOutput),
            new("`nube vm list --json` (build output)", build, json, true, null, buildOutput),
        ];
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
