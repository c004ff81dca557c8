namespace Nube.Qemu.Protocol;

public sealed partial class GuestAgentClient
{
    /// <summary>Succeeds when the agent answers; the cheap liveness check.</summary>
    public Task PingAsync(CancellationToken ct = default) => ExecuteAsync("guest-ping", ct: ct);

    /// <summary>The agent's version and the commands it supports.</summary>
    public Task<GuestInfo> GetInfoAsync(CancellationToken ct = default) =>
        ExecuteAsync("guest-info", null, ProtocolJsonContext.Default.GuestInfo, ct: ct);

    public Task<GuestOsInfo> GetOsInfoAsync(CancellationToken ct = default) =>
        ExecuteAsync("guest-get-osinfo", null, ProtocolJsonContext.Default.GuestOsInfo, ct: ct);

    public async Task<string> GetHostNameAsync(CancellationToken ct = default)
    {
        GuestHostName reply = await ExecuteAsync("guest-get-host-name", null, ProtocolJsonContext.Default.GuestHostName, ct: ct).ConfigureAwait(false);
        return reply.HostName;
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
}
