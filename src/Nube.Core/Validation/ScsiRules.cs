using System.Collections.Immutable;
using Nube.Core.Editions;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

internal static class ScsiRules
{
    public static void Check(ImmutableArray<ScsiController> controllers, Edition edition, List<ValidationError> errors)
    {
        if (controllers.Length > edition.MaxScsiControllers)
            errors.Add(Messages.CountExceeds("scsiControllers", controllers.Length, "controllers",
                $"{edition.MaxScsiControllers} SCSI controllers per VM", edition));
        for (var c = 0; c < controllers.Length; c++)
            CheckDisks(c, controllers[c].Disks, edition, errors);
        var total = controllers.Sum(controller => controller.Disks.Length);
        if (total > edition.MaxScsiDevices)
            errors.Add(Messages.CountExceeds("scsiControllers", total, "disks",
                $"{edition.MaxScsiDevices} SCSI devices per VM", edition));
    }

    private static void CheckDisks(int c, ImmutableArray<ScsiDisk> disks, Edition edition, List<ValidationError> errors)
    {
        var taken = new Dictionary<int, int>();
        for (var d = 0; d < disks.Length; d++)
        {
            var disk = disks[d];
            var field = $"scsiControllers[{c}].disks[{d}]";
            if (disk.Location < 0 || disk.Location >= edition.ScsiTargetsPerController)
                errors.Add(Messages.Outside($"{field}.location", disk.Location, "SCSI targets",
                    0, edition.ScsiTargetsPerController - 1, edition));
            else if (!taken.TryAdd(disk.Location, d))
                errors.Add(new($"{field}.location", Messages.Text(disk.Location),
                    $"{field}.location: {disk.Location} is already taken by scsiControllers[{c}].disks[{taken[disk.Location]}]"));
            if (disk.Path is not null)
                PathRules.Check($"{field}.path", disk.Path, errors);
            else if (disk.Media == DriveMedia.HardDisk)
                errors.Add(Messages.Missing($"{field}.path", "a hard disk needs an image path"));
        }
    }
}
