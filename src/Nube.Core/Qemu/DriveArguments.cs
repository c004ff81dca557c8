using System.Collections.Immutable;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// IDE and SCSI drives. Each image is two block nodes, a <c>file</c> node (<c>&lt;id&gt;-file</c>)
/// and a format node (<c>&lt;id&gt;</c>), so that later QMP calls (resize, hot remove, mirror)
/// can name them; the device id equals the format node's name. Every file is a descriptor nubed
/// opened (<c>/dev/fdset/N</c>), and a qcow2's backing chain is given as explicit nodes
/// (<c>&lt;id&gt;-b1</c>, <c>-b2</c> ...), the last with <c>backing=null</c>, so that QEMU never
/// opens a file named in an image's header. The boot disk carries <c>bootindex=0</c>, which both
/// SeaBIOS and OVMF follow.
/// </summary>
internal sealed class DriveArguments(List<string> argv, Descriptors fds,
    ImmutableDictionary<string, ImmutableArray<BackingImage>>? backing)
{
    public void AddIde(ImmutableArray<IdeDrive> drives, DiskAddress? bootDisk)
    {
        for (var i = 0; i < drives.Length; i++)
        {
            var drive = drives[i];
            var id = DiskAddress.Of(drive).DeviceId;
            var isDvd = drive.Media == DriveMedia.Dvd;
            var device = $"{(isDvd ? "ide-cd" : "ide-hd")},bus=ide.{drive.Controller},unit={drive.Location}";
            if (drive.Path is null)
            {
                // An empty DVD drive: a device with no medium, ready for a later change.
                argv.AddRange(["-device", $"{device},id={id}"]);
                continue;
            }
            // A DVD is read-only media; it also lets several VMs share one ISO under QEMU's image locks.
            AddBlockNodes($"ideDrives[{i}].path", id, drive.Path, drive.Format, readOnly: isDvd || drive.ReadOnly, drive.Cache);
            argv.AddRange(["-device", $"{device},drive={id},id={id}{BootIndex(bootDisk, DiskAddress.Of(drive))}"]);
        }
    }

    /// <summary>
    /// One virtio-scsi controller per entry, each with a request queue per vCPU (the guest
    /// submits on the queue of the CPU it runs on, without a shared lock) and, unless turned
    /// off, an iothread of its own.
    /// </summary>
    public void AddScsi(ImmutableArray<ScsiController> controllers, int processors, DiskAddress? bootDisk)
    {
        for (var c = 0; c < controllers.Length; c++)
        {
            var iothread = "";
            if (controllers[c].IoThread)
            {
                argv.AddRange(["-object", $"iothread,id=iothread-scsi{c}"]);
                iothread = $",iothread=iothread-scsi{c}";
            }
            argv.AddRange(["-device", $"virtio-scsi-pci,id=scsi{c},num_queues={processors}{iothread}"]);
            var disks = controllers[c].Disks;
            for (var d = 0; d < disks.Length; d++)
            {
                var disk = disks[d];
                var id = new DiskAddress(DiskBus.Scsi, c, disk.Location).DeviceId;
                AddBlockNodes($"scsiControllers[{c}].disks[{d}].path", id, disk.Path, disk.Format, disk.ReadOnly, disk.Cache);
                var boot = BootIndex(bootDisk, new DiskAddress(DiskBus.Scsi, c, disk.Location));
                argv.AddRange(["-device", $"scsi-hd,bus=scsi{c}.0,scsi-id={disk.Location},lun=0,drive={id},id={id}{boot}"]);
            }
        }
    }

    private static string BootIndex(DiskAddress? bootDisk, DiskAddress address) => bootDisk == address ? ",bootindex=0" : "";

    private void AddBlockNodes(string field, string id, string path, DiskFormat? format, bool readOnly, DiskCache? cache)
    {
        var driver = ImageFormat.Driver(format, path);
        var chain = backing is not null && backing.TryGetValue(path, out var known) ? known : [];
        // The chain's nodes first, bottom up, each read-only: a node must exist before one names it.
        var below = "null";
        for (var b = chain.Length - 1; b >= 0; b--)
        {
            var node = $"{id}-b{b + 1}";
            AddNode($"{field} (backing file {b + 1})", node, chain[b].Path, ImageFormat.Driver(chain[b].Format, chain[b].Path), true, cache, below);
            below = node;
        }
        AddNode(field, id, path, driver, readOnly, cache, below);
    }

    private void AddNode(string field, string node, string path, string driver, bool readOnly, DiskCache? cache, string below)
    {
        var file = fds.File(argv, field, path, readOnly);
        var ro = readOnly ? ",read-only=on" : "";
        // Direct: O_DIRECT needs Linux native AIO to be asynchronous (QEMU refuses aio=native
        // without it). Writeback keeps QEMU's defaults (page cache, thread-pool I/O), which
        // every file system and kernel supports.
        var io = cache == DiskCache.Direct ? ",cache.direct=on,aio=native" : "";
        argv.AddRange(["-blockdev", $"driver=file,filename={file},node-name={node}-file{ro}{io}"]);
        // Only qcow2 has a backing option; for it, the chain is named (or null), never read from the header.
        var backingOption = driver == "qcow2" ? $",backing={below}" : "";
        argv.AddRange(["-blockdev", $"driver={driver},file={node}-file,node-name={node}{ro}{backingOption}"]);
    }
}
