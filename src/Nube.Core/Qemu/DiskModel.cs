using System.Collections.Immutable;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>A drive's block nodes, bottom up (each image a file node and a format node), and its device.</summary>
public sealed record DiskParts(ImmutableArray<QemuProps> Nodes, QemuProps Device)
{
    /// <summary>The files the nodes open, in node order.</summary>
    public IEnumerable<FdSet> Files => Nodes.Select(n => n["filename"]).OfType<FdSet>();
}

/// <summary>
/// The one model of IDE and SCSI drives, for the command line and for hot plug alike. Each image
/// is two block nodes, a <c>file</c> node (<c>&lt;id&gt;-file</c>) and a format node
/// (<c>&lt;id&gt;</c>), so that later QMP calls (resize, hot remove, mirror) can name them; the
/// device id is the drive's id, which is also its format node's name. Every file is a descriptor
/// nubed opened, and a qcow2's backing chain is given as explicit nodes (<c>&lt;id&gt;-b1</c>,
/// <c>-b2</c> ...), the last with <c>backing=null</c>, so that QEMU never opens a file named in
/// an image's header. The drives of the boot order carry their <c>bootindex</c>, which SeaBIOS and OVMF follow.
/// A hard disk stops the VM on a write error (<see cref="OnErrors"/>) and reports read errors
/// to the guest.
/// </summary>
public static class DiskModel
{
    public static DiskParts Ide(IdeDrive drive, string field, ImmutableArray<BackingImage> chain, int? bootIndex)
    {
        var isDvd = drive.Media == DriveMedia.Dvd;
        var device = QemuProps.Of(("driver", isDvd ? "ide-cd" : "ide-hd"), ("bus", $"ide.{drive.Controller}"), ("unit", drive.Location));
        // An empty DVD drive: a device with no medium, ready for a later change.
        if (drive.Path is null)
            return new([], Boot(device.With("id", drive.Id), bootIndex));
        // A DVD is read-only media; it also lets several VMs share one ISO under QEMU's image locks.
        var nodes = Nodes(field, drive.Id, drive.Path, drive.Format, isDvd || drive.ReadOnly, drive.Cache, chain);
        device = device.With("drive", drive.Id).With("id", drive.Id);
        return new(nodes, Boot(isDvd ? device : OnErrors(device), bootIndex));
    }

    public static DiskParts Scsi(ScsiController controller, ScsiDisk disk, string field, ImmutableArray<BackingImage> chain, int? bootIndex)
    {
        var isDvd = disk.Media == DriveMedia.Dvd;
        var device = QemuProps.Of(("driver", isDvd ? "scsi-cd" : "scsi-hd"), ("bus", $"{controller.Id}.0"), ("scsi-id", disk.Location), ("lun", 0));
        // An empty DVD drive boots nothing, but keeps its place in the boot order for the disc inserted later.
        if (disk.Path is null)
            return new([], Boot(device.With("id", disk.Id), bootIndex));
        var nodes = Nodes(field, disk.Id, disk.Path, disk.Format, isDvd || disk.ReadOnly, disk.Cache, chain);
        device = device.With("drive", disk.Id).With("id", disk.Id);
        return new(nodes, Boot(isDvd ? device : OnErrors(device), bootIndex));
    }

    /// <summary>
    /// A virtio-scsi controller with a request queue per vCPU (the guest submits on the queue of
    /// the CPU it runs on, without a shared lock) and, unless turned off, an iothread of its own
    /// (<see cref="IoThread"/>).
    /// </summary>
    public static QemuProps ScsiController(ScsiController controller, int processors)
    {
        var device = QemuProps.Of(("driver", "virtio-scsi-pci"), ("id", controller.Id), ("num_queues", processors));
        return controller.IoThread ? device.With("iothread", IoThread(controller)) : device;
    }

    public static string IoThread(ScsiController controller) => $"iothread-{controller.Id}";

    /// <summary>A host block device (a passthrough disk), not an image file.</summary>
    public static bool IsDevice(string path) => path.StartsWith("/dev/", StringComparison.Ordinal);

    /// <summary>
    /// A write that fails (the host's file system is full, mostly) pauses the VM instead of
    /// telling the guest, whose file system would give up on the disk or turn read-only: QEMU
    /// keeps the request and retries it at <c>cont</c>, so a resume after space was freed loses
    /// nothing. A failed read is the guest's to handle, as on real hardware. In QEMU 10 these are
    /// properties of the device, not of the block node.
    /// </summary>
    private static QemuProps OnErrors(QemuProps device) => device.With("werror", "stop").With("rerror", "report");

    private static QemuProps Boot(QemuProps device, int? bootIndex) => bootIndex is { } index ? device.With("bootindex", index) : device;

    private static ImmutableArray<QemuProps> Nodes(string field, string id, string path, DiskFormat? format, bool readOnly,
        DiskCache? cache, ImmutableArray<BackingImage> chain)
    {
        var nodes = ImmutableArray.CreateBuilder<QemuProps>();
        // The chain's nodes first, bottom up, each read-only: a node must exist before one names it.
        object below = QemuProps.Null;
        for (var b = chain.Length - 1; b >= 0; b--)
        {
            var node = $"{id}-b{b + 1}";
            AddImage(nodes, $"{field} (backing file {b + 1})", node, chain[b].Path, ImageFormat.Driver(chain[b].Format, chain[b].Path), true, cache, below);
            below = node;
        }
        AddImage(nodes, field, id, path, ImageFormat.Driver(format, path), readOnly, cache, below);
        return nodes.ToImmutable();
    }

    private static void AddImage(ImmutableArray<QemuProps>.Builder nodes, string field, string node, string path, string driver,
        bool readOnly, DiskCache? cache, object below)
    {
        // A passthrough disk is a host block device, which QEMU's host_device driver reads (raw).
        var file = QemuProps.Of(("driver", IsDevice(path) ? "host_device" : "file"), ("filename", new FdSet($"{node}-file", path, readOnly, field, cache == DiskCache.Direct)),
            ("node-name", $"{node}-file"));
        if (readOnly)
            file = file.With("read-only", true);
        // Direct: O_DIRECT needs Linux native AIO to be asynchronous (QEMU refuses aio=native
        // without it). Writeback keeps QEMU's defaults (page cache, thread-pool I/O), which
        // every file system and kernel supports.
        if (cache == DiskCache.Direct)
            file = file.With("cache.direct", true).With("aio", "native");
        nodes.Add(file);
        var format = QemuProps.Of(("driver", driver), ("file", $"{node}-file"), ("node-name", node));
        if (readOnly)
            format = format.With("read-only", true);
        // Only qcow2 has a backing option; for it, the chain is named (or null), never read from the header.
        nodes.Add(driver == "qcow2" ? format.With("backing", below) : format);
    }
}
