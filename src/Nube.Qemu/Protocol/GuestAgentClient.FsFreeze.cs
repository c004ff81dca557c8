using System.Text.Json;

namespace Nube.Qemu.Protocol;

public sealed partial class GuestAgentClient
{
    // While the guest is frozen, qemu-ga refuses every command but ping, info, sync and the
    // fsfreeze status and thaw commands: callers keep to those until they have thawed.

    /// <summary>Flushes and freezes every freezable file system of the guest; returns how many it froze.</summary>
    public Task<int> FreezeFileSystemsAsync(TimeSpan? timeout = null, CancellationToken ct = default) =>
        CountAsync("guest-fsfreeze-freeze", timeout, ct);

    /// <summary>Thaws the guest's file systems; returns how many it thawed (0 when none was frozen).</summary>
    public Task<int> ThawFileSystemsAsync(TimeSpan? timeout = null, CancellationToken ct = default) =>
        CountAsync("guest-fsfreeze-thaw", timeout, ct);

    public async Task<GuestFreezeStatus> GetFreezeStatusAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        JsonElement value = await ExecuteAsync("guest-fsfreeze-status", null, timeout, ct).ConfigureAwait(false);
        return value.ValueKind == JsonValueKind.String ? value.GetString() switch
        {
            "thawed" => GuestFreezeStatus.Thawed,
            "frozen" => GuestFreezeStatus.Frozen,
            var other => throw new GuestAgentProtocolException($"guest agent sent an unknown freeze status '{GuestText.Sanitize(other ?? "")}'"),
        } : throw new GuestAgentProtocolException($"guest agent sent a {value.ValueKind} for 'guest-fsfreeze-status', not a status");
    }

    private async Task<int> CountAsync(string command, TimeSpan? timeout, CancellationToken ct)
    {
        JsonElement value = await ExecuteAsync(command, null, timeout, ct).ConfigureAwait(false);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int count) && count >= 0
            ? count
            : throw new GuestAgentProtocolException($"guest agent's reply to '{command}' is not a count of file systems");
    }
}
