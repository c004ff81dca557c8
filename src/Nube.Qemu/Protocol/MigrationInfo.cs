using System.Text.Json.Serialization;

namespace Nube.Qemu.Protocol;

/// <summary>Reply of <c>query-migrate</c>: the fields save, restore and live migration watch.</summary>
public sealed record MigrationInfo
{
    /// <summary>none, setup, active, completed, failed, cancelled, ...; null before any migration (QEMU replies {}).</summary>
    public string? Status { get; init; }

    /// <summary>QEMU's reason when Status is failed.</summary>
    public string? ErrorDesc { get; init; }

    [JsonPropertyName("total-time")]
    public long? TotalTimeMilliseconds { get; init; }

    /// <summary>How long the guest was paused; reported once completed.</summary>
    [JsonPropertyName("downtime")]
    public long? DowntimeMilliseconds { get; init; }

    public MigrationRamInfo? Ram { get; init; }
}
