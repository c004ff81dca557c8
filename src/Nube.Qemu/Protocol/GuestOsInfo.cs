namespace Nube.Qemu.Protocol;

/// <summary>Reply of <c>guest-get-osinfo</c>; every field is optional in the agent's schema.</summary>
public sealed record GuestOsInfo
{
    public string? KernelRelease { get; init; }

    public string? KernelVersion { get; init; }

    public string? Machine { get; init; }

    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? PrettyName { get; init; }

    public string? Version { get; init; }

    public string? VersionId { get; init; }

    public string? Variant { get; init; }

    public string? VariantId { get; init; }
}
