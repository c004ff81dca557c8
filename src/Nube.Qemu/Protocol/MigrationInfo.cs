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

    /// <summary>The pause QEMU expects at the switch-over if it happened now, while active.</summary>
    [JsonPropertyName("expected-downtime")]
    public long? ExpectedDowntimeMilliseconds { get; init; }

    public MigrationRamInfo? Ram { get; init; }

    /// <summary>Incoming: where QEMU listens (a port of 0 asked for is the real one here).</summary>
    [JsonPropertyName("socket-address")]
    public IReadOnlyList<MigrationSocketAddress>? SocketAddress { get; init; }
}

/// <summary>An address an incoming migration listens on; QEMU gives the port as a string.</summary>
public sealed record MigrationSocketAddress
{
    public string? Type { get; init; }
    public string? Host { get; init; }
    public string? Port { get; init; }
}
