namespace Nube.Qemu.Protocol;

/// <summary>RAM progress of a migration, in bytes.</summary>
public sealed record MigrationRamInfo
{
    public required long Transferred { get; init; }

    public required long Remaining { get; init; }

    public required long Total { get; init; }
}
