namespace Nube.Qemu.Protocol;

/// <summary>Reply of <c>query-status</c>.</summary>
public sealed record QmpStatus
{
    /// <summary>QEMU's run state: running, paused, prelaunch, inmigrate, postmigrate, shutdown, ...</summary>
    public required string Status { get; init; }

    public required bool Running { get; init; }
}
