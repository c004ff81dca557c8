namespace Nube.Qemu.Protocol;

/// <summary>The <c>mode</c> of <c>guest-shutdown</c>.</summary>
public enum GuestShutdownMode
{
    Powerdown,
    Reboot,
    Halt,
}
