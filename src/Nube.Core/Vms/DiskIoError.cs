namespace Nube.Core.Vms;

/// <summary>
/// What QEMU's <c>BLOCK_IO_ERROR</c> event means for the operator: which disk (by the block node
/// QEMU names, which is the disk's id or one of its <c>id-</c> nodes), what failed and what to do.
/// </summary>
public static class DiskIoError
{
    /// <summary>The reason when QEMU says a write failed ("io-error") but not which (its event went to an earlier host service).</summary>
    public const string Unknown = "paused: a write to one of its disks failed (the host's disk may be full); free space and resume it";

    /// <param name="node">The event's <c>node-name</c>.</param>
    /// <param name="operation">The event's <c>operation</c>: read or write.</param>
    /// <param name="noSpace">The event's <c>nospace</c>: the host's file system is full.</param>
    /// <param name="reason">The event's <c>reason</c>, QEMU's words for the host's error.</param>
    /// <returns>The VM's state reason while it is paused, e.g. <c>paused: the host's disk is full writing '/x.vhdx' (SCSI 0:1); free space and resume it</c>.</returns>
    public static string Describe(VmConfig vm, string node, string operation, bool noSpace, string reason)
    {
        var disk = Find(vm, node) is { } found ? $"'{found.Path}' ({found.Place.Display()})" : $"the block node '{node}'";
        var verb = operation == "read" ? "reading" : "writing";
        return noSpace
            ? $"paused: the host's disk is full {verb} {disk}; free space and resume it"
            : $"paused: the host could not finish {verb} {disk} ({reason}); fix the cause and resume it";
    }

    private static (string Path, DiskAddress Place)? Find(VmConfig vm, string node)
    {
        bool Owns(string id) => id.Length > 0 && (node == id || node.StartsWith(id + "-", StringComparison.Ordinal));
        foreach (var drive in vm.IdeDrives)
            if (Owns(drive.Id) && drive.Path is { } path)
                return (path, DiskAddress.Of(drive));
        for (var c = 0; c < vm.ScsiControllers.Length; c++)
            foreach (var disk in vm.ScsiControllers[c].Disks)
                if (Owns(disk.Id) && disk.Path is { } path)
                    return (path, new DiskAddress(DiskBus.Scsi, c, disk.Location));
        return null;
    }
}
