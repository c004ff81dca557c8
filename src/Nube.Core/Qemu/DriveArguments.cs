using System.Collections.Immutable;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// IDE and SCSI drives. Each image is two block nodes, a <c>file</c> node (<c>&lt;id&gt;-file</c>)
/// and a format node (<c>&lt;id&gt;</c>), so that later QMP calls (resize, hot remove, mirror)
/// can name them; the device id equals the format node's name. The boot disk carries
/// <c>bootindex=0</c>, which both SeaBIOS and OVMF follow.
/// </summary>
internal static class DriveArguments
{
    public static void AddIde(ImmutableArray<IdeDrive> drives, DiskAddress? bootDisk, List<string> argv, List<RequiredFile> required)
    {
        for (var i = 0; i < drives.Length; i++)
        {
            var drive = drives[i];
            var id = $"ide{drive.Controller}-{drive.Location}";
            var isDvd = drive.Media == DriveMedia.Dvd;
            var device = $"{(isDvd ? "ide-cd" : "ide-hd")},bus=ide.{drive.Controller},unit={drive.Location}";
            if (drive.Path is null)
            {
                // An empty DVD drive: a device with no medium, ready for a later change.
                argv.AddRange(["-device", $"{device},id={id}"]);
                continue;
            }
            required.Add(new($"ideDrives[{i}].path", drive.Path));
            // A DVD is read-only media; it also lets several VMs share one ISO under QEMU's image locks.
            AddBlockNodes(id, drive.Path, drive.Format, readOnly: isDvd || drive.ReadOnly, drive.Cache, argv);
            argv.AddRange(["-device", $"{device},drive={id},id={id}{BootIndex(bootDisk, DiskAddress.Of(drive))}"]);
        }
    }

    /// <summary>
    /// One virtio-scsi controller per entry, each with a request queue per vCPU (the guest
    /// submits on the queue of the CPU it runs on, without a shared lock) and, unless turned
    /// off, an iothread of its own.
    /// </summary>
    public static void AddScsi(ImmutableArray<ScsiController> controllers, int processors, DiskAddress? bootDisk,
        List<string> argv, List<RequiredFile> required)
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
                var id = $"scsi{c}-{disk.Location}";
                required.Add(new($"scsiControllers[{c}].disks[{d}].path", disk.Path));
                AddBlockNodes(id, disk.Path, disk.Format, disk.ReadOnly, disk.Cache, argv);
                var boot = BootIndex(bootDisk, new DiskAddress(DiskBus.Scsi, c, disk.Location));
                argv.AddRange(["-device", $"scsi-hd,bus=scsi{c}.0,scsi-id={disk.Location},lun=0,drive={id},id={id}{boot}"]);
            }
        }
    }

    private static string BootIndex(DiskAddress? bootDisk, DiskAddress address) => bootDisk == address ? ",bootindex=0" : "";

    private static void AddBlockNodes(string id, string path, DiskFormat? format, bool readOnly, DiskCache? cache, List<string> argv)
    {
        var ro = readOnly ? ",read-only=on" : "";
        // Direct: O_DIRECT needs Linux native AIO to be asynchronous (QEMU refuses aio=native
        // without it). Writeback keeps QEMU's defaults (page cache, thread-pool I/O), which
        // every file system and kernel supports.
        var io = cache == DiskCache.Direct ? ",cache.direct=on,aio=native" : "";
        argv.AddRange(["-blockdev", $"driver=file,filename={QemuOption.Escape(path)},node-name={id}-file{ro}{io}"]);
        argv.AddRange(["-blockdev", $"driver={ImageFormat.Driver(format, path)},file={id}-file,node-name={id}{ro}"]);
    }
}
