using System.Text.Json;

namespace Nube.Qemu.Protocol;

/// <summary>An asynchronous QMP event such as SHUTDOWN or DEVICE_DELETED.</summary>
/// <param name="Data">The event's data; an empty object when QEMU sends none.</param>
/// <param name="Timestamp">When QEMU emitted the event (QEMU's clock).</param>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset Timestamp)
{
    // Bounds DateTimeOffset.FromUnixTimeSeconds accepts.
    private const long MinSeconds = -62_135_596_800;
    private const long MaxSeconds = 253_402_300_799;

    /// <exception cref="QmpProtocolException">The event lacks a name or a valid timestamp.</exception>
    internal static QmpEvent Parse(JsonElement message)
    {
        string name = JsonRead.GetString(message, "event")
            ?? throw new QmpProtocolException("QMP event has no string 'event' name");
        JsonElement data = JsonRead.TryGetObject(message, "data", out var value) ? value : JsonRead.EmptyObject;
        return new QmpEvent(name, data, ParseTimestamp(name, message));
    }

    private static DateTimeOffset ParseTimestamp(string name, JsonElement message)
    {
        if (JsonRead.TryGetObject(message, "timestamp", out var timestamp)
            && JsonRead.GetInt64(timestamp, "seconds") is long seconds and >= MinSeconds and <= MaxSeconds
            && JsonRead.GetInt64(timestamp, "microseconds") is long micros and >= 0 and < 1_000_000)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * TimeSpan.TicksPerMicrosecond);
        }

        throw new QmpProtocolException($"QMP event '{name}' has no valid timestamp");
    }
}
