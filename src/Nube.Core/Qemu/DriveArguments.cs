using System.Collections.Immutable;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// IDE and SCSI drives. Each image is two block nodes, a <c>file</c> node (<c>&lt;id&gt;-file</c>)
/// and a format node (<c>&lt;id&gt;</c>), so that later QMP calls (resize, hot remove, mirror)
/// can name them; the device id equals the format node's name.
/// </summary>
internal static class DriveArguments
{
    public static void AddIde(VmConfig vm, List<string> argv, List<RequiredFile> required)
    {
        for (var i = 0; i < vm.IdeDrives.Length; i++)
        {
            var drive = vm.IdeDrives[i];
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
            AddBlockNodes(id, drive.Path, drive.Format, readOnly: isDvd || drive.ReadOnly, argv);
            var boot = IsBootDisk(vm, drive) ? ",bootindex=0" : "";
            argv.AddRange(["-device", $"{device},drive={id},id={id}{boot}"]);
        }
    }

    public static void AddScsi(ImmutableArray<ScsiController> controllers, List<string> argv, List<RequiredFile> required)
    {
        for (var c = 0; c < controllers.Length; c++)
        {
            argv.AddRange(["-device", $"virtio-scsi-pci,id=scsi{c}"]);
            var disks = controllers[c].Disks;
            for (var d = 0; d < disks.Length; d++)
            {
                var disk = disks[d];
                var id = $"scsi{c}-{disk.Location}";
                required.Add(new($"scsiControllers[{c}].disks[{d}].path", disk.Path));
                AddBlockNodes(id, disk.Path, disk.Format, disk.ReadOnly, argv);
                argv.AddRange(["-device", $"scsi-hd,bus=scsi{c}.0,scsi-id={disk.Location},lun=0,drive={id},id={id}"]);
            }
        }
    }

    private static bool IsBootDisk(VmConfig vm, IdeDrive drive) =>
        vm.Boot.Kind == BootKind.Disk && drive is { Controller: 0, Location: 0, Media: DriveMedia.HardDisk };

    private static void AddBlockNodes(string id, string path, DiskFormat? format, bool readOnly, List<string> argv)
    {
        var ro = readOnly ? ",read-only=on" : "";
        argv.AddRange(["-blockdev", $"driver=file,filename={QemuOption.Escape(path)},node-name={id}-file{ro}"]);
        argv.AddRange(["-blockdev", $"driver={ImageFormat.Driver(format, path)},file={id}-file,node-name={id}{ro}"]);
    }
}
