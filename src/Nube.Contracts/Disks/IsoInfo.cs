namespace Nube.Contracts.Disks;

/// <summary>An ISO image in the ISO library: the <c>isos</c> folder of a storage root.</summary>
public sealed record IsoInfo
{
    /// <summary>The file's name, which the library's routes take.</summary>
    public required string Name { get; init; }
    /// <summary>The storage root whose <c>isos</c> folder holds it.</summary>
    public required string Root { get; init; }
    /// <summary>The file's absolute path, as a VM's DVD drive names it.</summary>
    public required string Path { get; init; }
    public long Size { get; init; }
    public DateTimeOffset Modified { get; init; }
}
