using System.Collections.Immutable;
using Nube.Core.Editions;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

internal static class IdeRules
{
    public static void Check(ImmutableArray<IdeDrive> drives, Edition edition, List<ValidationError> errors)
    {
        if (drives.Length > edition.MaxIdeDevices)
            errors.Add(Messages.CountExceeds("ideDrives", drives.Length, "drives",
                $"{edition.MaxIdeDevices} IDE devices per VM", edition));
        var taken = new Dictionary<(int Controller, int Location), int>();
        for (var i = 0; i < drives.Length; i++)
        {
            var drive = drives[i];
            var field = $"ideDrives[{i}]";
            if (CheckPlace(drive, field, edition, errors) && !taken.TryAdd((drive.Controller, drive.Location), i))
                errors.Add(new($"{field}.location", Messages.Text(drive.Location),
                    $"{field}.location: {drive.Location} on IDE controller {drive.Controller} is already taken by ideDrives[{taken[(drive.Controller, drive.Location)]}]"));
            CheckMedia(drive, field, errors);
        }
    }

    private static void CheckMedia(IdeDrive drive, string field, List<ValidationError> errors)
    {
        if (drive.Path is not null)
            PathRules.Check($"{field}.path", drive.Path, errors);
        else if (drive.Media == DriveMedia.HardDisk)
            errors.Add(Messages.Missing($"{field}.path", "a hard disk drive needs an image path"));
        // QEMU's ide-hd refuses a read-only block node ("Block node is read-only").
        if (drive is { Media: DriveMedia.HardDisk, ReadOnly: true })
            errors.Add(new($"{field}.readOnly", "true",
                $"{field}.readOnly: true is not possible for an IDE hard disk; use a DVD drive or a SCSI disk for read-only media"));
    }

    /// <summary>True when the drive's place exists, so that duplicates are only reported among real places.</summary>
    private static bool CheckPlace(IdeDrive drive, string field, Edition edition, List<ValidationError> errors)
    {
        var valid = true;
        if (drive.Controller < 0 || drive.Controller >= edition.MaxIdeControllers)
        {
            valid = false;
            errors.Add(Messages.Outside($"{field}.controller", drive.Controller, "IDE controllers",
                0, edition.MaxIdeControllers - 1, edition));
        }
        if (drive.Location is < 0 or >= Edition.IdeLocationsPerController)
        {
            valid = false;
            errors.Add(Messages.Outside($"{field}.location", drive.Location, "IDE locations",
                0, Edition.IdeLocationsPerController - 1));
        }
        return valid;
    }
}
