using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Nube.Core.Vms;

public enum DiskBus { Ide, Scsi }

/// <summary>Where a drive hangs: <c>ide0:1</c> is IDE controller 0, location 1; <c>scsi1:3</c> SCSI controller 1, target 3.</summary>
public readonly partial record struct DiskAddress(DiskBus Bus, int Controller, int Location)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out DiskAddress? address)
    {
        address = null;
        var m = text is null ? Match.Empty : Pattern().Match(text);
        if (!m.Success
            || !int.TryParse(m.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var controller)
            || !int.TryParse(m.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var location))
            return false;
        var bus = string.Equals(m.Groups[1].Value, "ide", StringComparison.OrdinalIgnoreCase) ? DiskBus.Ide : DiskBus.Scsi;
        address = new DiskAddress(bus, controller, location);
        return true;
    }

    public static DiskAddress Of(IdeDrive drive) => new(DiskBus.Ide, drive.Controller, drive.Location);

    /// <summary>The form the settings use: <c>ide0:0</c>, <c>scsi0:1</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Bus == DiskBus.Ide ? "ide" : "scsi")}{Controller}:{Location}");

    /// <summary>The form people read: <c>IDE 0:0</c>, <c>SCSI 0:1</c>.</summary>
    public string Display() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Bus == DiskBus.Ide ? "IDE" : "SCSI")} {Controller}:{Location}");

    [GeneratedRegex(@"^(ide|scsi)([0-9]{1,4}):([0-9]{1,4})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
