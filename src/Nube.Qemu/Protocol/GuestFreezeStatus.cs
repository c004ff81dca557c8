namespace Nube.Qemu.Protocol;

/// <summary>Whether the guest agent holds the guest's file systems frozen (guest-fsfreeze-status).</summary>
public enum GuestFreezeStatus
{
    Thawed,
    Frozen,
}
