using System.Text.Json;

namespace Nube.Qemu.Protocol;

public sealed partial class QmpClient
{
    /// <summary>
    /// Timeout for migration commands: QEMU's main loop is busy moving RAM while they run, so
    /// replies come slower than for other commands (Kata and Proxmox give them long timeouts too).
    /// </summary>
    public static readonly TimeSpan MigrationTimeout = TimeSpan.FromSeconds(60);

    public Task<QmpStatus> QueryStatusAsync(CancellationToken ct = default) =>
        ExecuteAsync("query-status", null, ProtocolJsonContext.Default.QmpStatus, ct: ct);

    /// <summary>Whether this QEMU runs on KVM; the accelerator in force, as QEMU sees it.</summary>
    public Task<KvmInfo> QueryKvmAsync(CancellationToken ct = default) =>
        ExecuteAsync("query-kvm", null, ProtocolJsonContext.Default.KvmInfo, ct: ct);

    /// <summary>Every block backend's read and write counters (<c>query-blockstats</c>), for metering.</summary>
    public Task<List<BlockStatsEntry>> QueryBlockStatsAsync(CancellationToken ct = default) =>
        ExecuteAsync("query-blockstats", null, ProtocolJsonContext.Default.ListBlockStatsEntry, ct: ct);

    /// <summary>Pauses the vCPUs.</summary>
    public Task StopAsync(CancellationToken ct = default) => ExecuteAsync("stop", ct: ct);

    /// <summary>Resumes the vCPUs (also starts a VM launched with -S or restored with -incoming).</summary>
    public Task ContAsync(CancellationToken ct = default) => ExecuteAsync("cont", ct: ct);

    /// <summary>Presses the ACPI power button; the guest decides whether to shut down.</summary>
    public Task SystemPowerdownAsync(CancellationToken ct = default) => ExecuteAsync("system_powerdown", ct: ct);

    /// <summary>Makes QEMU exit. QEMU may close the socket before or instead of replying; that counts as success.</summary>
    public async Task QuitAsync(CancellationToken ct = default)
    {
        JsonElement reply = await SendAsync("quit", null, DefaultTimeout, eofIsSuccess: true, ct).ConfigureAwait(false);
        ReturnValue("quit", reply);
    }

    /// <summary>
    /// Writes the display's current picture to <paramref name="path"/> as PNG; with QEMU
    /// unprivileged, a <c>/dev/fdset/N</c> that nubed passed (<see cref="AddFdAsync"/>).
    /// </summary>
    public Task ScreendumpAsync(string path, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ExecuteAsync("screendump", new Dictionary<string, string> { ["filename"] = path, ["format"] = "png" }, ct: ct);
    }

    public Task<MigrationInfo> QueryMigrateAsync(CancellationToken ct = default) =>
        ExecuteAsync("query-migrate", null, ProtocolJsonContext.Default.MigrationInfo, MigrationTimeout, ct);

    /// <summary>Starts an outgoing migration (e.g. <c>exec:cat > FILE</c>, <c>tcp:HOST:PORT</c>); poll <see cref="QueryMigrateAsync"/> for its end.</summary>
    public Task MigrateAsync(string uri, CancellationToken ct = default) =>
        ExecuteAsync("migrate", UriArguments(uri), MigrationTimeout, ct);

    /// <summary>
    /// Cancels the outgoing migration in progress; QEMU replies at once and the migration ends in
    /// status cancelled (or completes first). With none in progress it does nothing.
    /// </summary>
    public Task MigrateCancelAsync(CancellationToken ct = default) =>
        ExecuteAsync("migrate_cancel", null, MigrationTimeout, ct);

    /// <summary>Starts receiving a migration into a QEMU started with <c>-incoming defer</c>.</summary>
    public Task MigrateIncomingAsync(string uri, CancellationToken ct = default) =>
        ExecuteAsync("migrate-incoming", UriArguments(uri), MigrationTimeout, ct);

    /// <summary>
    /// Sets migration speed limits; a null leaves QEMU's value. The default max-bandwidth of
    /// 128 MiB/s dominates save and restore times, so callers usually raise it.
    /// </summary>
    public Task MigrateSetParametersAsync(long? maxBandwidthBytesPerSecond = null, TimeSpan? downtimeLimit = null, CancellationToken ct = default)
    {
        if (maxBandwidthBytesPerSecond is { } bandwidth)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(bandwidth, nameof(maxBandwidthBytesPerSecond));
        }

        if (downtimeLimit is { } downtime)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(downtime, TimeSpan.Zero, nameof(downtimeLimit));
        }

        var parameters = new MigrationParameters(maxBandwidthBytesPerSecond, (long?)downtimeLimit?.TotalMilliseconds);
        return ExecuteAsync("migrate-set-parameters", parameters, ct: ct);
    }

    private static Dictionary<string, string> UriArguments(string uri)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return new() { ["uri"] = uri };
    }
}
