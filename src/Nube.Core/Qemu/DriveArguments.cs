using System.Collections.Immutable;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>IDE and SCSI drives on the command line, as <see cref="DiskModel"/> describes them, in the JSON form QMP takes too.</summary>
internal sealed class DriveArguments(List<string> argv, Descriptors fds,
    ImmutableDictionary<string, ImmutableArray<BackingImage>>? backing)
{
    public void AddIde(VmConfig vm)
    {
        for (var i = 0; i < vm.IdeDrives.Length; i++)
        {
            var drive = vm.IdeDrives[i];
            Add(DiskModel.Ide(drive, $"ideDrives[{i}].path", Chain(drive.Path), Generations.BootIndex(vm, DiskAddress.Of(drive))));
        }
    }

    public void AddScsi(VmConfig vm)
    {
        for (var c = 0; c < vm.ScsiControllers.Length; c++)
        {
            var controller = vm.ScsiControllers[c];
            if (controller.IoThread)
                argv.AddRange(["-object", $"iothread,id={DiskModel.IoThread(controller)}"]);
            argv.AddRange(["-device", DiskModel.ScsiController(controller, vm.ProcessorCount).ToJson().ToJsonString()]);
            for (var d = 0; d < controller.Disks.Length; d++)
            {
                var disk = controller.Disks[d];
                Add(DiskModel.Scsi(controller, disk, $"scsiControllers[{c}].disks[{d}].path", Chain(disk.Path),
                    Generations.BootIndex(vm, new DiskAddress(DiskBus.Scsi, c, disk.Location))));
            }
        }
    }

    private ImmutableArray<BackingImage> Chain(string? path) =>
        path is not null && backing is not null && backing.TryGetValue(path, out var known) ? known : [];

    private void Add(DiskParts parts)
    {
        // JSON, as QMP takes them: the same objects a hot plug adds.
        foreach (var node in parts.Nodes)
            argv.AddRange(["-blockdev", node.ToJson(f => fds.File(argv, f)).ToJsonString()]);
        argv.AddRange(["-device", parts.Device.ToJson().ToJsonString()]);
    }
}
