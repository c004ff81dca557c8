using System.Text.Json.Serialization;

namespace Nube.Qemu.Protocol;

/// <summary>RAM progress of a migration, in bytes; the rest of what a live migration's progress shows.</summary>
public sealed record MigrationRamInfo
{
    public required long Transferred { get; init; }

    public required long Remaining { get; init; }

    public required long Total { get; init; }

    /// <summary>Pages the guest dirties per second, as QEMU last measured.</summary>
    [JsonPropertyName("dirty-pages-rate")]
    public long? DirtyPagesRate { get; init; }

    /// <summary>How many times the dirty bitmap was synced: the pass over memory under way.</summary>
    [JsonPropertyName("dirty-sync-count")]
    public long? DirtySyncCount { get; init; }

    [JsonPropertyName("page-size")]
    public long? PageSize { get; init; }

    /// <summary>The throughput in megabits per second.</summary>
    public double? Mbps { get; init; }
}
