namespace Nube.Qemu.Protocol;

/// <summary>Reply of <c>guest-get-host-name</c>.</summary>
internal sealed record GuestHostName
{
    public required string HostName { get; init; }
}
