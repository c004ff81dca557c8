using System.Net;
using System.Text.Json.Nodes;
using Nube.Core.Migration;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Qemu.Protocol;
using Nube.Service.Disks;

namespace Nube.Service.Migration;

/// <summary>
/// A shared-nothing move's disks at the destination: each made empty at its target, of the
/// source's size, and exported by the incoming QEMU's NBD server (TLS with the move's key) for the
/// source to copy into; the server stops before the guest resumes here. nubed listens and hands
/// QEMU the listening socket: QEMU binds nothing itself.
/// </summary>
public static class DiskExports
{
    private const string ServerFd = "nube-nbd";
    /// <summary>The most a disk may be (64 TiB, qcow2's own limit): a size from the source is checked before any file is made.</summary>
    private const long MaxBytes = 64L << 40;

    /// <summary>Every copied disk's size, from the source, checked.</summary>
    /// <exception cref="ValidationException">A disk has no size, or one out of bounds.</exception>
    public static IReadOnlyList<(PeerStorage.Placed Placed, long Bytes)> Sizes(IReadOnlyList<PeerStorage.Placed> placed, IReadOnlyDictionary<string, long>? sizes)
    {
        var errors = new List<ValidationError>();
        var sized = new List<(PeerStorage.Placed, long)>();
        foreach (var disk in placed)
        {
            if (sizes?.GetValueOrDefault(disk.Disk.Id) is { } bytes and > 0 and <= MaxBytes)
                sized.Add((disk, bytes));
            else
                errors.Add(new("diskSizes", disk.Disk.Id, $"diskSizes: disk {disk.Disk.Id} needs a size of 1 byte to {MaxBytes >> 40} TiB"));
        }
        return errors.Count > 0 ? throw new ValidationException(errors) : sized;
    }

    /// <summary>Each disk's empty image at its target.</summary>
    public static async Task MakeAsync(IReadOnlyList<(PeerStorage.Placed Placed, long Bytes)> disks, CancellationToken ct)
    {
        foreach (var (placed, bytes) in disks)
            await QemuImg.CreateEmptyAsync(placed.Disk.Field, placed.Target, ImageFormat.Driver(placed.Disk.Format), bytes, ct).ConfigureAwait(false);
    }

    /// <summary>Starts the NBD server on a free port of <paramref name="address"/> and exports each disk (by its id) writable; returns the port.</summary>
    public static async Task<int> ExportAsync(QmpClient qmp, IPAddress address, IEnumerable<string> disks, string? tls, CancellationToken ct)
    {
        int port;
        using (var listener = MoveSockets.Listen(address, "the copy of the disks"))
        {
            port = MoveSockets.Port(listener);
            await qmp.GetFdAsync(ServerFd, listener.SafeHandle, ct).ConfigureAwait(false);
        }
        var server = new JsonObject { ["addr"] = new JsonObject { ["type"] = "fd", ["data"] = new JsonObject { ["str"] = ServerFd } } };
        if (tls is not null)
            server["tls-creds"] = tls;
        await qmp.ExecuteAsync("nbd-server-start", server, ct: ct).ConfigureAwait(false);
        foreach (var disk in disks)
            await qmp.ExecuteAsync("block-export-add", new JsonObject
            {
                ["type"] = "nbd", ["id"] = $"nube-move-{disk}", ["node-name"] = disk, ["name"] = disk, ["writable"] = true,
            }, ct: ct).ConfigureAwait(false);
        return port;
    }

    /// <summary>The server and its exports gone, before the guest runs here: nothing else writes its disks.</summary>
    public static async Task StopAsync(QmpClient qmp)
    {
        try
        {
            await qmp.ExecuteAsync("nbd-server-stop").ConfigureAwait(false);
        }
        catch (QmpCommandException)
        {
            // It was not started.
        }
    }
}
