using System.Collections.Immutable;

namespace Nube.Core.Vms;

/// <summary>
/// The devices added, removed and changed between two configurations, matched by id: removals
/// first (in the order of the configuration before), then additions and changes (in the order of
/// the one after), controllers before their disks.
/// </summary>
public static class DeviceDiff
{
    public static ImmutableArray<DeviceChange> Compute(VmConfig before, VmConfig after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var removed = ImmutableArray.CreateBuilder<DeviceChange>();
        var changed = ImmutableArray.CreateBuilder<DeviceChange>();
        Controllers(Items(before.ScsiControllers), Items(after.ScsiControllers), removed, changed);
        Drives(Items(before.IdeDrives), Items(after.IdeDrives), removed, changed);
        Adapters(Items(before.NetworkAdapters), Items(after.NetworkAdapters), removed, changed);
        return [.. removed, .. changed];
    }

    private static ImmutableArray<T> Items<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

    private static void Controllers(ImmutableArray<ScsiController> before, ImmutableArray<ScsiController> after,
        ImmutableArray<DeviceChange>.Builder removed, ImmutableArray<DeviceChange>.Builder changed)
    {
        for (var c = 0; c < before.Length; c++)
        {
            var old = before[c];
            var now = after.FirstOrDefault(x => x.Id == old.Id);
            for (var d = 0; d < old.Disks.Length; d++)
            {
                var disk = old.Disks[d];
                // A disk on another controller is at another place: it goes from one and comes to the other.
                var stays = now is not null && now.Disks.Any(n => n.Id == disk.Id);
                if (!stays)
                    removed.Add(new ScsiDiskChange(DeviceChangeKind.Remove, disk.Id, $"{VmFields.ScsiControllers}[{c}].disks[{d}]", old,
                        new DiskAddress(DiskBus.Scsi, c, disk.Location), disk, null));
            }
            if (now is null)
                removed.Add(new ScsiControllerChange(DeviceChangeKind.Remove, old.Id, $"{VmFields.ScsiControllers}[{c}]", c, old, null));
        }
        for (var c = 0; c < after.Length; c++)
        {
            var now = after[c];
            var at = before.IndexOf(before.FirstOrDefault(x => x.Id == now.Id)!);
            var field = $"{VmFields.ScsiControllers}[{c}]";
            if (at < 0)
                changed.Add(new ScsiControllerChange(DeviceChangeKind.Add, now.Id, field, c, null, now));
            else if (at != c || before[at].IoThread != now.IoThread)
                changed.Add(new ScsiControllerChange(DeviceChangeKind.Change, now.Id, field, c, before[at], now));
            for (var d = 0; d < now.Disks.Length; d++)
            {
                var disk = now.Disks[d];
                var address = new DiskAddress(DiskBus.Scsi, c, disk.Location);
                var old = at < 0 ? null : before[at].Disks.FirstOrDefault(o => o.Id == disk.Id);
                if (old is null)
                    changed.Add(new ScsiDiskChange(DeviceChangeKind.Add, disk.Id, $"{field}.disks[{d}]", now, address, null, disk));
                else if (old != disk || at != c)
                    changed.Add(new ScsiDiskChange(DeviceChangeKind.Change, disk.Id, $"{field}.disks[{d}]", now, address, old, disk));
            }
        }
    }

    private static void Drives(ImmutableArray<IdeDrive> before, ImmutableArray<IdeDrive> after,
        ImmutableArray<DeviceChange>.Builder removed, ImmutableArray<DeviceChange>.Builder changed)
    {
        for (var i = 0; i < before.Length; i++)
        {
            if (!after.Any(x => x.Id == before[i].Id))
                removed.Add(new IdeDriveChange(DeviceChangeKind.Remove, before[i].Id, $"{VmFields.IdeDrives}[{i}]", before[i], null));
        }
        for (var i = 0; i < after.Length; i++)
        {
            var old = before.FirstOrDefault(x => x.Id == after[i].Id);
            if (old is null)
                changed.Add(new IdeDriveChange(DeviceChangeKind.Add, after[i].Id, $"{VmFields.IdeDrives}[{i}]", null, after[i]));
            else if (old != after[i])
                changed.Add(new IdeDriveChange(DeviceChangeKind.Change, after[i].Id, $"{VmFields.IdeDrives}[{i}]", old, after[i]));
        }
    }

    private static void Adapters(ImmutableArray<NetworkAdapter> before, ImmutableArray<NetworkAdapter> after,
        ImmutableArray<DeviceChange>.Builder removed, ImmutableArray<DeviceChange>.Builder changed)
    {
        for (var i = 0; i < before.Length; i++)
        {
            if (!after.Any(x => x.Id == before[i].Id))
                removed.Add(new NetworkAdapterChange(DeviceChangeKind.Remove, before[i].Id, $"{VmFields.NetworkAdapters}[{i}]", before[i], null));
        }
        for (var i = 0; i < after.Length; i++)
        {
            var at = before.IndexOf(before.FirstOrDefault(x => x.Id == after[i].Id)!);
            var field = $"{VmFields.NetworkAdapters}[{i}]";
            if (at < 0)
                changed.Add(new NetworkAdapterChange(DeviceChangeKind.Add, after[i].Id, field, null, after[i]));
            // Without a slot of its own, a move in the list moves the adapter on the PCI bus at the
            // next boot, which the guest sees; with one, it stays where it is.
            else if ((at != i && after[i].PciSlot is null) || before[at] != after[i])
                changed.Add(new NetworkAdapterChange(DeviceChangeKind.Change, after[i].Id, field, before[at], after[i]));
        }
    }
}
