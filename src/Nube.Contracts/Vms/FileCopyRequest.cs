namespace Nube.Contracts.Vms;

/// <summary>The body of <c>POST /api/v1/vms/{vm}/copy-file</c>, as Hyper-V's Copy-VMFile.</summary>
public sealed record FileCopyRequest
{
    /// <summary>A regular file under the host's storage roots.</summary>
    public string? Source { get; init; }
    /// <summary>The file's absolute path in the guest.</summary>
    public string? Destination { get; init; }
    /// <summary>Make the destination's folder when it is missing.</summary>
    public bool CreatePath { get; init; }
    /// <summary>Replace a file already at the destination.</summary>
    public bool Overwrite { get; init; }
}
