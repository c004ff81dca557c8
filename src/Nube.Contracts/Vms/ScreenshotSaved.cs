namespace Nube.Contracts.Vms;

/// <summary>What <c>nube vm screenshot</c> saved.</summary>
public sealed record ScreenshotSaved
{
    public required string Vm { get; init; }
    public required Guid VmId { get; init; }
    /// <summary>The PNG file's absolute path.</summary>
    public required string File { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required long Bytes { get; init; }
}
