using System.Collections.Immutable;
using System.Globalization;

namespace Nube.Core.Vms;

/// <summary>
/// Every SCSI controller, drive and network adapter has an id that stays with it: removing
/// controller 0 or adapter 0 renumbers nothing. The id is also the device's QEMU id (and its
/// block nodes' name), so that a device hot-plugged into a running VM and one on the command line
/// of a cold boot are the same device.
/// </summary>
public static class DeviceIds
{
    public const string ControllerPrefix = "scsi";
    public const string DiskPrefix = "disk";
    public const string DvdPrefix = "dvd";
    public const string AdapterPrefix = "nic";

    /// <summary>
    /// Gives an id to every device of <paramref name="next"/> that has none. A device that a
    /// client sent back without its id keeps the id of the device it replaces in
    /// <paramref name="current"/> (same controller position, same drive address, same MAC or
    /// adapter position); any other gets the lowest free number of its kind. An id that
    /// <paramref name="current"/> had is never given to a new device in the same change, so
    /// that a removal and an addition never look like one device changing.
    /// </summary>
    public static VmConfig Assign(VmConfig? current, VmConfig next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var used = new HashSet<string>(All(next).Where(id => id.Length > 0), StringComparer.Ordinal);
        var retired = new HashSet<string>(current is null ? [] : All(current), StringComparer.Ordinal);
        string Keep(string id, string? previous, string prefix)
        {
            if (id.Length > 0)
                return id;
            if (previous is { Length: > 0 } && used.Add(previous))
                return previous;
            for (var n = 0; ; n++)
            {
                var candidate = prefix + n.ToString(CultureInfo.InvariantCulture);
                if (!retired.Contains(candidate) && used.Add(candidate))
                    return candidate;
            }
        }
        var before = current ?? next with { ScsiControllers = [], IdeDrives = [], NetworkAdapters = [] };
        var controllers = Items(next.ScsiControllers).Select((c, i) =>
        {
            var old = i < Items(before.ScsiControllers).Length ? before.ScsiControllers[i] : null;
            var id = Keep(c.Id, old?.Id, ControllerPrefix);
            var oldDisks = Items(Items(before.ScsiControllers).FirstOrDefault(o => o.Id == id)?.Disks ?? []);
            return c with
            {
                Id = id,
                Disks = [.. Items(c.Disks).Select(d => d with
                {
                    Id = Keep(d.Id, oldDisks.FirstOrDefault(o => o.Location == d.Location && o.Media == d.Media)?.Id,
                        d.Media == DriveMedia.Dvd ? DvdPrefix : DiskPrefix),
                })],
            };
        }).ToImmutableArray();
        var ide = Items(next.IdeDrives).Select(d => d with
        {
            Id = Keep(d.Id, Items(before.IdeDrives).FirstOrDefault(o => o.Controller == d.Controller && o.Location == d.Location && o.Media == d.Media)?.Id,
                d.Media == DriveMedia.Dvd ? DvdPrefix : DiskPrefix),
        }).ToImmutableArray();
        var adapters = Items(next.NetworkAdapters).Select((n, i) => n with
        {
            Id = Keep(n.Id, (n.MacAddress is null
                ? (i < Items(before.NetworkAdapters).Length ? before.NetworkAdapters[i] : null)
                : Items(before.NetworkAdapters).FirstOrDefault(o => o.MacAddress == n.MacAddress))?.Id, AdapterPrefix),
        }).ToImmutableArray();
        return next with { ScsiControllers = controllers, IdeDrives = ide, NetworkAdapters = Slots(Items(before.NetworkAdapters), adapters, next.Generation) };
    }

    /// <summary>
    /// An adapter sent back without its slot keeps the one it had; a new adapter gets the lowest
    /// slot that no adapter of either configuration has (so that a removal and an addition in one
    /// change never share a slot), or none when all are taken (QEMU then places it).
    /// </summary>
    private static ImmutableArray<NetworkAdapter> Slots(ImmutableArray<NetworkAdapter> before, ImmutableArray<NetworkAdapter> adapters, int generation)
    {
        adapters = [.. adapters.Select(a => a.PciSlot is null && before.FirstOrDefault(o => o.Id == a.Id) is { } old ? a with { PciSlot = old.PciSlot } : a)];
        var taken = adapters.Concat(before).Select(a => a.PciSlot).OfType<int>().ToHashSet();
        return [.. adapters.Select(a =>
        {
            if (a.PciSlot is not null || before.Any(o => o.Id == a.Id))
                return a;
            for (var slot = NetworkAdapter.FirstPciSlot; slot <= NetworkAdapter.LastPciSlot(generation); slot++)
            {
                if (taken.Add(slot))
                    return a with { PciSlot = slot };
            }
            return a;
        })];
    }

    /// <summary>
    /// The ids a configuration written before devices had ids (schema version 1) gets: the ones
    /// its QEMU was started with (<c>scsi0</c>, <c>scsi0-3</c>, <c>ide1-0</c>, <c>nic0</c>), so
    /// that nubed finds the devices of a VM that kept running across the upgrade.
    /// </summary>
    public static VmConfig FromPositions(VmConfig vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var used = new HashSet<string>(All(vm).Where(id => id.Length > 0), StringComparer.Ordinal);
        // Two devices at one place (refused by validation anyway) do not share an id: the second gets a new one.
        string Or(string id, FormattableString legacy) =>
            id.Length > 0 ? id : used.Add(FormattableString.Invariant(legacy)) ? FormattableString.Invariant(legacy) : "";
        return Assign(null, vm with
        {
            ScsiControllers = [.. vm.ScsiControllers.Select((c, i) => c with
            {
                Id = Or(c.Id, $"scsi{i}"),
                Disks = [.. c.Disks.Select(d => d with { Id = Or(d.Id, $"scsi{i}-{d.Location}") })],
            })],
            IdeDrives = [.. vm.IdeDrives.Select(d => d with { Id = Or(d.Id, $"ide{d.Controller}-{d.Location}") })],
            NetworkAdapters = [.. vm.NetworkAdapters.Select((n, i) => n with { Id = Or(n.Id, $"nic{i}") })],
        });
    }

    /// <summary>Every device id of the VM, controllers first; empty ones included.</summary>
    public static IEnumerable<string> All(VmConfig vm) =>
        Items(vm.ScsiControllers).SelectMany(c => Items(c.Disks).Select(d => d.Id).Prepend(c.Id))
            .Concat(Items(vm.IdeDrives).Select(d => d.Id))
            .Concat(Items(vm.NetworkAdapters).Select(n => n.Id));

    private static ImmutableArray<T> Items<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

    /// <summary>The QEMU id of an adapter's backend: <c>net0</c> for <c>nic0</c>, as before adapters had ids.</summary>
    public static string Backend(NetworkAdapter adapter) =>
        adapter.Id.StartsWith(AdapterPrefix, StringComparison.Ordinal) ? "net" + adapter.Id[AdapterPrefix.Length..] : "net-" + adapter.Id;
}
