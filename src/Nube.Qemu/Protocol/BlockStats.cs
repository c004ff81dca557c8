using System.Text.Json.Serialization;

namespace Nube.Qemu.Protocol;

/// <summary>One entry of <c>query-blockstats</c>: a block backend and what its device has read and written.</summary>
public sealed record BlockStatsEntry
{
    /// <summary>The device's id (<c>-device ...,id=</c>) or QOM path; null for a backend no device uses.</summary>
    public string? Qdev { get; init; }

    public required BlockDeviceStats Stats { get; init; }
}

/// <summary>Counters since QEMU started; QEMU counts what the guest asked for, in bytes and requests.</summary>
public sealed record BlockDeviceStats
{
    [JsonPropertyName("rd_bytes")]
    public required long ReadBytes { get; init; }

    [JsonPropertyName("wr_bytes")]
    public required long WrittenBytes { get; init; }

    [JsonPropertyName("rd_operations")]
    public required long Reads { get; init; }

    [JsonPropertyName("wr_operations")]
    public required long Writes { get; init; }

    [JsonPropertyName("flush_operations")]
    public long Flushes { get; init; }
}
