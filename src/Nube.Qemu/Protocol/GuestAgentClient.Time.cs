using System.Text.Json;

namespace Nube.Qemu.Protocol;

public sealed partial class GuestAgentClient
{
    /// <summary>The guest's clock, in nanoseconds since the Unix epoch (UTC).</summary>
    /// <exception cref="GuestAgentProtocolException">The reply is not a whole number.</exception>
    public async Task<long> GetTimeAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        JsonElement value = await ExecuteAsync("guest-get-time", null, timeout, ct).ConfigureAwait(false);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long ns)
            ? ns
            : throw new GuestAgentProtocolException($"guest agent sent a {value.ValueKind} for 'guest-get-time', not a number of nanoseconds");
    }

    /// <summary>Sets the guest's clock to <paramref name="unixNanoseconds"/> (the agent also writes it to the guest's RTC).</summary>
    public Task SetTimeAsync(long unixNanoseconds, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteAsync("guest-set-time", new Dictionary<string, long> { ["time"] = unixNanoseconds }, timeout, ct);
}
