using System.Text.RegularExpressions;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary>
/// Where <c>--boot-disk</c> and <c>--scsi-disk</c> put their images: the boot disk at
/// <c>--boot-from</c>, else IDE 0:0 (generation 1, or a <c>vm set</c> that does not say) or
/// SCSI 0:0 (<c>--generation 2</c>); SCSI disks on controller 0 at the locations from 0 up that
/// the boot disk leaves free.
/// </summary>
public static partial class DiskLayout
{
    /// <param name="Dvd">Where <c>--dvd</c> put its drive (<c>ide1:0</c>, <c>scsi0:1</c>), if it was given.</param>
    public sealed record Placed(IReadOnlyList<IdeDriveSettings>? Ide, IReadOnlyList<ScsiControllerSettings>? Scsi, string? Dvd = null);

    public static Placed Place(string? bootDisk, string? bootFrom, int? generation, string[] scsiDisks, string? cache, string? dvd = null)
    {
        var place = bootFrom ?? (generation == 2 ? "scsi0:0" : "ide0:0");
        var (bus, controller, location) = Parse(place);
        List<IdeDriveSettings>? ide = null;
        var scsi = new List<ScsiDiskSettings>();
        if (bootDisk is not null && bus == "ide")
            ide = [new IdeDriveSettings { Controller = controller, Location = location, Media = "hardDisk", Path = bootDisk, Cache = cache }];
        else if (bootDisk is not null && controller != 0)
            throw new CliException(ExitCodes.Usage, $"--boot-from: '{place}' is on SCSI controller {controller}; --boot-disk attaches to controller 0 (use the API for more controllers).");
        else if (bootDisk is not null)
            scsi.Add(new ScsiDiskSettings { Location = location, Path = bootDisk, Cache = cache });
        var next = 0;
        foreach (var disk in scsiDisks)
        {
            while (scsi.Any(d => d.Location == next))
                next++;
            scsi.Add(new ScsiDiskSettings { Location = next, Path = VmSettingOptions.Full(disk)!, Cache = cache });
        }
        string? dvdAt = null;
        if (dvd is not null && generation == 2)
        {
            // Generation 2 has no IDE: the DVD goes after the SCSI disks, as Hyper-V's wizard puts it.
            while (scsi.Any(d => d.Location == next))
                next++;
            scsi.Add(new ScsiDiskSettings { Location = next, Media = "dvd", Path = dvd });
            dvdAt = $"scsi0:{next}";
        }
        else if (dvd is not null)
        {
            (ide ??= []).Add(new IdeDriveSettings { Controller = 1, Location = 0, Media = "dvd", Path = dvd });
            dvdAt = "ide1:0";
        }
        return new Placed(ide, scsi.Count > 0 ? [new ScsiControllerSettings { Disks = [.. scsi.OrderBy(d => d.Location)] }] : null, dvdAt);
    }

    private static (string Bus, int Controller, int Location) Parse(string place)
    {
        var m = PlacePattern().Match(place);
        if (!m.Success)
            throw new CliException(ExitCodes.Usage, $"--boot-from: '{place}' is not a disk place; write ide<controller>:<location> or scsi<controller>:<location>, e.g. scsi0:0.");
        return (m.Groups[1].Value.ToLowerInvariant(), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value));
    }

    [GeneratedRegex(@"^(ide|scsi)([0-9]{1,4}):([0-9]{1,4})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PlacePattern();
}
