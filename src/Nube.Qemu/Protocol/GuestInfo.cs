using System.Text.Json.Serialization;

namespace Nube.Qemu.Protocol;

/// <summary>Reply of <c>guest-info</c>.</summary>
public sealed record GuestInfo
{
    /// <summary>The agent's version, e.g. "7.2.0".</summary>
    public required string Version { get; init; }

    [JsonPropertyName("supported_commands")]
    public required IReadOnlyList<GuestCommandInfo> SupportedCommands { get; init; }
}
