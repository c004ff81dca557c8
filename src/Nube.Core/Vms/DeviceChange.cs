using System.Globalization;

namespace Nube.Core.Vms;

public enum DeviceChangeKind { Add, Remove, Change }

/// <summary>
/// One device added, removed or changed between two configurations of a VM, matched by its id
/// (<see cref="DeviceIds"/>). <see cref="Field"/> is where it is in the JSON the user sent (in
/// the configuration before, for a removal).
/// </summary>
public abstract record DeviceChange(DeviceChangeKind Kind, string Id, string Field)
{
    /// <summary>What the device is and where: <c>SCSI disk disk3 at scsi0:3</c>.</summary>
    public abstract string What { get; }

    /// <summary><c>add SCSI disk disk3 at scsi0:3</c>, <c>remove DVD drive dvd0 at ide1:0</c>.</summary>
    public sealed override string ToString() =>
        $"{Kind.ToString().ToLower(CultureInfo.InvariantCulture)} {What}";
}

public sealed record ScsiControllerChange(DeviceChangeKind Kind, string Id, string Field, int Number, ScsiController? Before, ScsiController? After)
    : DeviceChange(Kind, Id, Field)
{
    public override string What => string.Create(CultureInfo.InvariantCulture, $"SCSI controller {Id} ({Number})");
}

/// <summary>A disk on a SCSI controller; <see cref="Controller"/> is the controller it is (or was) on.</summary>
public sealed record ScsiDiskChange(DeviceChangeKind Kind, string Id, string Field, ScsiController Controller, DiskAddress Address,
    ScsiDisk? Before, ScsiDisk? After) : DeviceChange(Kind, Id, Field)
{
    public override string What => $"{((After ?? Before)!.Media == DriveMedia.Dvd ? "SCSI DVD drive" : "SCSI disk")} {Id} at {Address}";

    /// <summary>Only the DVD's medium differs, on the same controller and place.</summary>
    public bool IsMediaChange => Kind == DeviceChangeKind.Change && Before!.Media == DriveMedia.Dvd
        && Before with { Path = null, Format = null } == After! with { Path = null, Format = null };
}

public sealed record IdeDriveChange(DeviceChangeKind Kind, string Id, string Field, IdeDrive? Before, IdeDrive? After)
    : DeviceChange(Kind, Id, Field)
{
    private IdeDrive Drive => After ?? Before!;

    public override string What => $"{(Drive.Media == DriveMedia.Dvd ? "DVD drive" : "IDE hard disk")} {Id} at {DiskAddress.Of(Drive)}";

    /// <summary>Only the DVD's medium differs: inserted, ejected or swapped, as on a real drive.</summary>
    public bool IsMediaChange => Kind == DeviceChangeKind.Change && Before!.Media == DriveMedia.Dvd
        && Before with { Path = null, Format = null } == After! with { Path = null, Format = null };
}

public sealed record NetworkAdapterChange(DeviceChangeKind Kind, string Id, string Field, NetworkAdapter? Before, NetworkAdapter? After)
    : DeviceChange(Kind, Id, Field)
{
    public override string What => IsPortChange && !string.Equals(Before!.Switch, After!.Switch, StringComparison.Ordinal)
        ? $"network adapter {Id} to {(After!.Switch is { } s ? $"switch {s}" : "no switch")}"
        : $"network adapter {Id}";

    /// <summary>
    /// Only what its port does differs (its switch, between virtual switches or none, its VLAN,
    /// bandwidth, weight and guards), on an adapter whose port nubed makes: not user-mode nor an operator's TAP.
    /// </summary>
    public bool IsPortChange => Kind == DeviceChangeKind.Change && NetworkAdapter.HasPort(Before!) && NetworkAdapter.HasPort(After!)
        && PortOnly(Before!) == PortOnly(After!);

    private static NetworkAdapter PortOnly(NetworkAdapter a) =>
        a with { Switch = null, VlanId = null, MaximumBandwidthMbps = null, MinimumBandwidthWeight = null, MacAddressSpoofing = false, DhcpGuard = false, RouterGuard = false, AllowedAddresses = null };
}
