namespace Nube.Qemu.Protocol;

public sealed partial class QmpClient
{
    private static readonly TimeSpan MigrationPollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Polls <c>query-migrate</c> until the migration (outgoing or incoming) completes. A failed or
    /// cancelled migration throws <see cref="QmpCommandException"/> with QEMU's description.
    /// <paramref name="progress"/> sees every reply on the way, for a progress display. With the
    /// <c>events</c> capability on, QEMU's MIGRATION event ends a wait between two polls at once:
    /// a live move's guest is paused until its end is seen.
    /// </summary>
    public async Task<MigrationInfo> WaitForMigrationAsync(TimeSpan timeout, CancellationToken ct = default, Action<MigrationInfo>? progress = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ended = WaitForEventAsync("MIGRATION", e => e.Data.TryGetProperty("status", out var s) && s.GetString() is "completed" or "failed" or "cancelled",
            timeout, waiting.Token);
        try
        {
            while (true)
            {
                var info = await QueryMigrateAsync(ct).ConfigureAwait(false);
                switch (info.Status)
                {
                    case "completed":
                        return info;
                    case "failed" or "cancelled":
                        throw new QmpCommandException("migrate", "MigrationFailed", info.ErrorDesc ?? $"the migration was {info.Status}");
                }
                progress?.Invoke(info);
                if (DateTime.UtcNow > deadline)
                    throw QmpTimeoutException.ForCommand("query-migrate (until completed)", timeout);
                await Task.WhenAny(Task.Delay(MigrationPollInterval, ct), ended).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await waiting.CancelAsync().ConfigureAwait(false);
            await ((Task)ended).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Sets migration parameters by QEMU's names (<c>max-bandwidth</c>, <c>downtime-limit</c>,
    /// <c>tls-creds</c>, <c>multifd-channels</c>, ...); those not given keep their values.
    /// </summary>
    public Task SetMigrationParametersAsync(IReadOnlyDictionary<string, object> parameters, CancellationToken ct = default) =>
        ExecuteAsync("migrate-set-parameters", parameters, ct: ct);

    /// <summary>Turns migration capabilities (<c>auto-converge</c>, <c>multifd</c>, <c>postcopy-ram</c>, ...) on or off; both ends must agree on multifd and post-copy.</summary>
    public Task SetMigrationCapabilitiesAsync(IReadOnlyDictionary<string, bool> capabilities, CancellationToken ct = default) =>
        ExecuteAsync("migrate-set-capabilities", new Dictionary<string, object>
        {
            ["capabilities"] = capabilities.Select(c => new Dictionary<string, object> { ["capability"] = c.Key, ["state"] = c.Value }).ToList(),
        }, ct: ct);

    /// <summary>
    /// Adds pre-shared-key TLS credentials read from <c>DIR/keys.psk</c> (lines <c>USER:HEXKEY</c>);
    /// a client names the <paramref name="username"/> it presents.
    /// </summary>
    public Task AddTlsPskAsync(string id, bool server, string directory, string? username, CancellationToken ct = default)
    {
        var arguments = new Dictionary<string, object>
        {
            ["qom-type"] = "tls-creds-psk", ["id"] = id, ["endpoint"] = server ? "server" : "client", ["dir"] = directory,
        };
        if (!server && username is not null)
            arguments["username"] = username;
        return ExecuteAsync("object-add", arguments, ct: ct);
    }

    /// <summary>Deletes an object added with <c>object-add</c>.</summary>
    public Task DeleteObjectAsync(string id, CancellationToken ct = default) =>
        ExecuteAsync("object-del", new Dictionary<string, string> { ["id"] = id }, ct: ct);

    /// <summary>
    /// Ends a migration stuck on its connection (a peer that stopped answering): QEMU's
    /// <c>yank</c> of the migration instance, after which it fails at once.
    /// </summary>
    public Task YankMigrationAsync(CancellationToken ct = default) =>
        ExecuteAsync("yank", new Dictionary<string, object> { ["instances"] = new[] { new Dictionary<string, string> { ["type"] = "migration" } } }, ct: ct);

    /// <summary>
    /// Cancels the outgoing migration and waits until QEMU has stopped writing what it had
    /// started: only then may the guest resume or the stream's target go. A stream stuck on its
    /// connection (a peer that stopped reading: the cancel waits on the socket) is ended with
    /// <c>yank</c> after 5 s.
    /// </summary>
    public async Task CancelMigrationAsync()
    {
        await MigrateCancelAsync(CancellationToken.None).ConfigureAwait(false);
        if (await SettledAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false))
            return;
        await YankMigrationAsync(CancellationToken.None).ConfigureAwait(false);
        await SettledAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    private async Task<bool> SettledAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            var info = await QueryMigrateAsync(CancellationToken.None).ConfigureAwait(false);
            if (info.Status is not ("active" or "setup" or "cancelling" or "pre-switchover" or "device"))
                return true;
            await Task.Delay(10).ConfigureAwait(false);
        }
        return false;
    }
}
