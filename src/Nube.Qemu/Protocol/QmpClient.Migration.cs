namespace Nube.Qemu.Protocol;

public sealed partial class QmpClient
{
    private static readonly TimeSpan MigrationPollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Polls <c>query-migrate</c> until the migration (outgoing or incoming) completes. A failed or
    /// cancelled migration throws <see cref="QmpCommandException"/> with QEMU's description.
    /// <paramref name="progress"/> sees every reply on the way, for a progress display.
    /// </summary>
    public async Task<MigrationInfo> WaitForMigrationAsync(TimeSpan timeout, CancellationToken ct = default, Action<MigrationInfo>? progress = null)
    {
        var deadline = DateTime.UtcNow + timeout;
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
            await Task.Delay(MigrationPollInterval, ct).ConfigureAwait(false);
        }
    }
}
