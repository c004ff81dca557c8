namespace Nube.Qemu.Protocol;

/// <summary>
/// One entry of guest-info's command list. A struct so that a null entry from the guest fails
/// deserialization instead of reaching callers.
/// </summary>
public readonly record struct GuestCommandInfo
{
    public required string Name { get; init; }

    public required bool Enabled { get; init; }

    /// <summary>False for commands that never reply, such as guest-shutdown.</summary>
    public required bool SuccessResponse { get; init; }
}
