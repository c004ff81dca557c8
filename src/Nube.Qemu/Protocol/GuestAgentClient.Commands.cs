namespace Nube.Qemu.Protocol;

public sealed partial class GuestAgentClient
{
    /// <summary>Succeeds when the agent answers; the cheap liveness check.</summary>
    public Task PingAsync(CancellationToken ct = default) => ExecuteAsync("guest-ping", ct: ct);

    // The typed replies below are the guest's own words: every string is sanitised here, at the
    // protocol layer, so that no caller shows raw guest text (see GuestText).

    /// <summary>The agent's version and the commands it supports.</summary>
    public async Task<GuestInfo> GetInfoAsync(CancellationToken ct = default)
    {
        GuestInfo reply = await ExecuteAsync("guest-info", null, ProtocolJsonContext.Default.GuestInfo, ct: ct).ConfigureAwait(false);
        return reply with
        {
            Version = GuestText.Sanitize(reply.Version),
            SupportedCommands = [.. reply.SupportedCommands.Select(command => command with { Name = GuestText.Sanitize(command.Name) })],
        };
    }

    public async Task<GuestOsInfo> GetOsInfoAsync(CancellationToken ct = default)
    {
        GuestOsInfo reply = await ExecuteAsync("guest-get-osinfo", null, ProtocolJsonContext.Default.GuestOsInfo, ct: ct).ConfigureAwait(false);
        // Built afresh, so that a field added to the record later is left out rather than passed on raw.
        return new GuestOsInfo
        {
            KernelRelease = SanitizeOptional(reply.KernelRelease),
            KernelVersion = SanitizeOptional(reply.KernelVersion),
            Machine = SanitizeOptional(reply.Machine),
            Id = SanitizeOptional(reply.Id),
            Name = SanitizeOptional(reply.Name),
            PrettyName = SanitizeOptional(reply.PrettyName),
            Version = SanitizeOptional(reply.Version),
            VersionId = SanitizeOptional(reply.VersionId),
            Variant = SanitizeOptional(reply.Variant),
            VariantId = SanitizeOptional(reply.VariantId),
        };
    }

    public async Task<string> GetHostNameAsync(CancellationToken ct = default)
    {
        GuestHostName reply = await ExecuteAsync("guest-get-host-name", null, ProtocolJsonContext.Default.GuestHostName, ct: ct).ConfigureAwait(false);
        return GuestText.Sanitize(reply.HostName);
    }

    /// <summary>
    /// Asks the guest to shut down. The agent never replies on success, so this returns once the
    /// request is written; watch QMP for SHUTDOWN (reason guest-shutdown) to know it happened.
    /// </summary>
    public Task ShutdownAsync(GuestShutdownMode mode, CancellationToken ct = default)
    {
        string name = mode switch
        {
            GuestShutdownMode.Powerdown => "powerdown",
            GuestShutdownMode.Reboot => "reboot",
            GuestShutdownMode.Halt => "halt",
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown shutdown mode."),
        };
        return ExchangeAsync("guest-shutdown", new Dictionary<string, string> { ["mode"] = name }, DefaultTimeout, expectReply: false, ct);
    }

    private static string? SanitizeOptional(string? text) => text is null ? null : GuestText.Sanitize(text);
}
