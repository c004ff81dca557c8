using System.Globalization;
using System.Text.RegularExpressions;
using Nube.Core.Validation;
using Nube.Linux.Processes;

namespace Nube.Service.Disks;

/// <summary>Runs qemu-img for the disk operations: short commands bounded in time, long ones with their progress.</summary>
public static partial class QemuImg
{
    private static readonly TimeSpan Short = TimeSpan.FromMinutes(2);
    /// <summary>A conversion or merge of a large disk takes hours; the job's cancel is the way to stop it sooner.</summary>
    private static readonly TimeSpan Long = TimeSpan.FromDays(2);

    /// <summary>Runs a quick command; its failure is an error naming <paramref name="field"/> and the file.</summary>
    public static async Task<CommandResult> RunAsync(string field, string path, string doing, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync(new HostCommand("qemu-img", arguments) { Timeout = Short }, ct).ConfigureAwait(false);
        return result.ExitCode == 0 ? result : throw Failed(field, path, doing, result);
    }

    /// <summary>Runs <c>qemu-img convert -p</c> or <c>commit -p</c>, reporting each percentage it prints.</summary>
    public static async Task RunWithProgressAsync(string field, string path, string doing, IReadOnlyList<string> arguments, Action<int> progress,
        CancellationToken ct)
    {
        // qemu-img ends each progress line with \r; the reader takes \r as a line's end too.
        var result = await ProcessRunner.RunAsync(new HostCommand("qemu-img", arguments) { Timeout = Long }, ct, line =>
        {
            if (Progress(line) is { } percent)
                progress(percent);
        }).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw Failed(field, path, doing, result);
    }

    /// <summary>An image's virtual size in bytes (<c>qemu-img info -U</c>: also while a VM has it open).</summary>
    public static async Task<long> VirtualSizeAsync(string field, string path, CancellationToken ct)
    {
        var info = await RunAsync(field, path, "read", ["info", "-U", "--output=json", path], ct).ConfigureAwait(false);
        using var facts = System.Text.Json.JsonDocument.Parse(info.Stdout);
        return facts.RootElement.GetProperty("virtual-size").GetInt64();
    }

    /// <summary>A new empty image of <paramref name="driver"/> and <paramref name="bytes"/>, root's alone: QEMU gets it as a descriptor.</summary>
    public static async Task CreateEmptyAsync(string field, string path, string driver, long bytes, CancellationToken ct)
    {
        await RunAsync(field, path, "made", ["create", "-q", "-f", driver, path, bytes.ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The whole percent of a progress line such as <c>    (42.17/100%)</c>, or null for another line.</summary>
    public static int? Progress(string line) =>
        ProgressLine().Match(line) is { Success: true } m
            ? (int)double.Parse(m.Groups["percent"].Value, CultureInfo.InvariantCulture) : null;

    /// <summary>An error for the request's field: qemu-img's own last words name what is wrong with the file.</summary>
    public static ValidationException Failed(string field, string path, string doing, CommandResult result)
    {
        var said = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? $"qemu-img ended with exit code {result.ExitCode}";
        return new ValidationException([new(field, path, $"{field}: {Quoting.Quote(path)} could not be {doing}: {said}")]);
    }

    [GeneratedRegex(@"^\s*\((?<percent>\d{1,3}(\.\d+)?)/100%\)\s*$")]
    private static partial Regex ProgressLine();
}
