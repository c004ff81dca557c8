using System.Text.Json;

namespace Nube.Qemu.Protocol;

public sealed partial class GuestAgentClient
{
    // Caller holds gate.
    private async Task EnsureSyncedAsync(CancellationToken ct)
    {
        lock (sync)
        {
            ThrowIfEnded();
        }

        if (needsSync)
        {
            await WithTimeoutAsync("guest-sync-delimited", syncTimeout, SyncAsync, ct).ConfigureAwait(false);
            needsSync = false;
            lock (sync)
            {
                if (state == ConnectionState.Connecting)
                {
                    state = ConnectionState.Ready;
                }
            }
        }
    }

    /// <summary>
    /// Sends 0xFF (flushes the agent's parser) and guest-sync-delimited with a fresh id, then discards
    /// everything until a reply carrying that id. Stale output is skipped without being buffered.
    /// </summary>
    private async Task SyncAsync(CancellationToken token)
    {
        long id = Random.Shared.NextInt64(1, int.MaxValue);
        var arguments = JsonRequest.SerializeArguments(new Dictionary<string, long> { ["id"] = id });
        await WriteAsync([Delimiter, .. JsonRequest.Build("guest-sync-delimited", arguments, id: null)], token).ConfigureAwait(false);

        if (!await reader.SkipPastAsync(Delimiter, token).ConfigureAwait(false))
        {
            throw EndOfChannel();
        }

        while (await reader.ReadLineAsync(token).ConfigureAwait(false) is { } line)
        {
            // A delimiter inside a line means what precedes it is a stale fragment the agent abandoned.
            int delimiter = line.Span.LastIndexOf(Delimiter);
            if (IsSyncReply(line[(delimiter + 1)..], id))
            {
                GuestAgentLog.Synced(logger, id);
                return;
            }

            GuestAgentLog.DiscardedStale(logger, line.Length + 1);
        }

        throw EndOfChannel();
    }

    private static bool IsSyncReply(ReadOnlyMemory<byte> line, long id)
    {
        try
        {
            return JsonRead.GetInt64(JsonRead.Parse(line), "return") == id;
        }
        catch (JsonException)
        {
            return false; // stale garbage
        }
    }
}
