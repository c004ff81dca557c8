using System.Collections.Immutable;
using Nube.Core.Validation;

namespace Nube.Core.Vms;

/// <summary>A drive of a VM where it hangs: its id, place (<c>scsi0:3</c>) and settings.</summary>
public sealed record PlacedDrive(string Id, DiskAddress Address, DriveMedia Media, string? Path, DiskFormat? Format, bool ReadOnly, DiskCache? Cache);

/// <summary>
/// The typed drive commands (<c>vm disk add|remove</c>, <c>vm dvd insert|eject</c>) as changes of
/// a configuration: pure, so that the VM's controller applies them to its current configuration
/// and validation and the live rules judge the result as any other change.
/// </summary>
public static class VmDrives
{
    public static ImmutableArray<PlacedDrive> List(VmConfig vm) =>
    [
        .. vm.IdeDrives.Select(d => new PlacedDrive(d.Id, DiskAddress.Of(d), d.Media, d.Path, d.Format, d.ReadOnly, d.Cache)),
        .. vm.ScsiControllers.SelectMany((c, i) => c.Disks.Select(d =>
            new PlacedDrive(d.Id, new DiskAddress(DiskBus.Scsi, i, d.Location), d.Media, d.Path, d.Format, d.ReadOnly, d.Cache))),
    ];

    /// <summary>
    /// Adds a drive at <paramref name="at"/>, or at the first free place of SCSI controller 0
    /// (made when the VM has no SCSI controller). The id is given by <see cref="DeviceIds"/>.
    /// </summary>
    /// <exception cref="ValidationException">The place is not valid or taken.</exception>
    public static VmConfig Add(VmConfig vm, string? at, DriveMedia media, string? path, DiskFormat? format, bool readOnly, DiskCache? cache)
    {
        DiskAddress place;
        if (at is null)
            place = new DiskAddress(DiskBus.Scsi, 0, FirstFree(vm.ScsiControllers.IsEmpty ? [] : vm.ScsiControllers[0].Disks));
        else if (!DiskAddress.TryParse(at, out var parsed))
            throw Refused("at", at, $"at: '{at}' is not a drive place; write ide<controller>:<location> or scsi<controller>:<location>, e.g. scsi0:1");
        else
            place = parsed.Value;
        if (List(vm).FirstOrDefault(d => d.Address == place) is { } taken)
            throw Refused("at", place.ToString(), $"at: {place} is taken by {taken.Id} ({taken.Path ?? "empty"}); remove it first or choose another place");
        if (place.Bus == DiskBus.Ide)
            return vm with
            {
                IdeDrives = vm.IdeDrives.Add(new IdeDrive
                {
                    Controller = place.Controller, Location = place.Location, Media = media, Path = path, Format = format, ReadOnly = readOnly, Cache = cache,
                }),
            };
        var controllers = vm.ScsiControllers.IsEmpty && place.Controller == 0 ? [new ScsiController()] : vm.ScsiControllers;
        if (place.Controller >= controllers.Length)
            throw Refused("at", place.ToString(), $"at: {place} is on SCSI controller {place.Controller}, and the VM has {controllers.Length}");
        var disk = new ScsiDisk { Location = place.Location, Media = media, Path = path, Format = format, ReadOnly = readOnly, Cache = cache };
        var controller = controllers[place.Controller];
        return vm with { ScsiControllers = controllers.SetItem(place.Controller, controller with { Disks = controller.Disks.Add(disk) }) };
    }

    /// <summary>Takes the drive (by id or place) off the VM; its file stays.</summary>
    public static VmConfig Remove(VmConfig vm, string drive)
    {
        var found = Find(vm, drive, "drive");
        return found.Address.Bus == DiskBus.Ide
            ? vm with { IdeDrives = vm.IdeDrives.RemoveAll(d => d.Id == found.Id) }
            : vm with { ScsiControllers = [.. vm.ScsiControllers.Select(c => c with { Disks = c.Disks.RemoveAll(d => d.Id == found.Id) })] };
    }

    /// <summary>Inserts a disc into a DVD drive (by id or place; the only one when null), or ejects it (null path).</summary>
    public static VmConfig SetMedium(VmConfig vm, string? drive, string? path)
    {
        var dvds = List(vm).Where(d => d.Media == DriveMedia.Dvd).ToList();
        var found = drive is not null ? Find(vm, drive, "drive")
            : dvds.Count == 1 ? dvds[0]
            : throw Refused("drive", "", dvds.Count == 0
                ? "drive: the VM has no DVD drive; add one with 'vm disk add VM --dvd'"
                : $"drive: missing; the VM has {dvds.Count} DVD drives ({string.Join(", ", dvds.Select(d => $"{d.Id} at {d.Address}"))}): name one");
        if (found.Media != DriveMedia.Dvd)
            throw Refused("drive", found.Id, $"drive: {found.Id} at {found.Address} is a hard disk, not a DVD drive");
        return found.Address.Bus == DiskBus.Ide
            ? vm with { IdeDrives = [.. vm.IdeDrives.Select(d => d.Id == found.Id ? d with { Path = path, Format = null } : d)] }
            : vm with
            {
                ScsiControllers = [.. vm.ScsiControllers.Select(c => c with
                {
                    Disks = [.. c.Disks.Select(d => d.Id == found.Id ? d with { Path = path, Format = null } : d)],
                })],
            };
    }

    private static PlacedDrive Find(VmConfig vm, string drive, string field)
    {
        var drives = List(vm);
        var byAddress = DiskAddress.TryParse(drive, out var address) ? drives.FirstOrDefault(d => d.Address == address) : null;
        return drives.FirstOrDefault(d => d.Id == drive) ?? byAddress
            ?? throw Refused(field, drive, $"{field}: '{drive}' is neither the id nor the place of a drive of this VM ({(drives.IsEmpty ? "it has none" : string.Join(", ", drives.Select(d => $"{d.Id} at {d.Address}")))})");
    }

    private static int FirstFree(ImmutableArray<ScsiDisk> disks)
    {
        var location = 0;
        while (disks.Any(d => d.Location == location))
            location++;
        return location;
    }

    private static ValidationException Refused(string field, string value, string message) => new([new ValidationError(field, value, message)]);
}

/// <summary>A drive command: while the VM runs, a hot plug.</summary>
public abstract record DriveCommand : ConfigChange;

public sealed record AddDrive(string? At, DriveMedia Media, string? Path, DiskFormat? Format, bool ReadOnly, DiskCache? Cache) : DriveCommand
{
    public override VmConfig Apply(VmConfig current) => VmDrives.Add(current, At, Media, Path, Format, ReadOnly, Cache);
}

public sealed record RemoveDrive(string Drive) : DriveCommand
{
    public override VmConfig Apply(VmConfig current) => VmDrives.Remove(current, Drive);
}

public sealed record SetDriveMedium(string? Drive, string? Path) : DriveCommand
{
    public override VmConfig Apply(VmConfig current) => VmDrives.SetMedium(current, Drive, Path);
}
