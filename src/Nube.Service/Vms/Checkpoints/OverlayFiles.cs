using System.Globalization;
using System.Text.Json;
using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Linux.Processes;

namespace Nube.Service.Vms.Checkpoints;

/// <summary>
/// The qemu-img work of checkpoints on files no QEMU writes: an overlay made (its header naming
/// the image below, with its format: QEMU never probes), an overlay merged down and the overlays
/// above it pointed at the image that now holds their data.
/// </summary>
public static class OverlayFiles
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(30);
    /// <summary>A merge copies every cluster the overlay holds: bounded, but generously.</summary>
    private static readonly TimeSpan Merge = TimeSpan.FromHours(6);

    /// <summary>
    /// A new qcow2 on <paramref name="below"/>, of its virtual size. <c>-U</c> and <c>-u</c>: the
    /// image below may be the disk a running QEMU writes (and holds locked); its size is read
    /// without a lock, and it is not opened again.
    /// </summary>
    public static async Task CreateAsync(string overlay, string below, DiskFormat format, CancellationToken ct)
    {
        var info = await RunAsync(["info", "-U", "--output=json", "-f", ImageFormat.Driver(format), below], Quick, ct).ConfigureAwait(false);
        using var json = JsonDocument.Parse(info);
        var size = json.RootElement.GetProperty("virtual-size").GetInt64();
        await RunAsync(["create", "-q", "-f", "qcow2", "-u", "-b", below, "-F", ImageFormat.Driver(format), overlay,
            size.ToString(CultureInfo.InvariantCulture)], Quick, ct).ConfigureAwait(false);
    }

    /// <summary>Writes the overlay's data into the image below it (its header names it); the overlay is left to be deleted.</summary>
    public static Task CommitAsync(string overlay, CancellationToken ct) =>
        RunAsync(["commit", "-q", "-d", "-f", "qcow2", overlay], Merge, ct);

    /// <summary>Names another image below an overlay, whose data is already the same (after a merge): only the header changes.</summary>
    public static Task RebaseAsync(string overlay, string below, DiskFormat format, CancellationToken ct) =>
        RunAsync(["rebase", "-q", "-u", "-f", "qcow2", "-b", below, "-F", ImageFormat.Driver(format), overlay], Quick, ct);

    private static async Task<string> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        var command = new HostCommand("qemu-img", arguments) { Timeout = timeout };
        return (await ProcessRunner.RunAsync(command, ct).ConfigureAwait(false)).EnsureSuccess(command).Stdout;
    }
}
