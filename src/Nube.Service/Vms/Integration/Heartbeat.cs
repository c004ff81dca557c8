using System.Net.Sockets;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Qemu;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// One heartbeat: a guest-ping on the run's agent session, waiting at most the heartbeat's
/// timeout, for the channel as for the answer. A channel held by another request (a file copy)
/// is not taken for a silent guest while the agent keeps answering that request.
/// </summary>
public static class Heartbeat
{
    /// <returns>How it went, and why when it failed.</returns>
    public static async Task<(BeatOutcome Outcome, string? Error)> BeatAsync(GuestAgentSession agent, TimeSpan interval, TimeSpan timeout,
        TimeProvider clock, CancellationToken ct)
    {
        try
        {
            await agent.UseAsync(async (client, t) =>
            {
                await client.ExecuteAsync("guest-ping", null, timeout, t).ConfigureAwait(false);
                return true;
            }, timeout, ct).ConfigureAwait(false);
            return (BeatOutcome.Answered, null);
        }
        catch (GuestAgentBusyException)
        {
            var silence = agent.LastReply is { } last ? clock.GetUtcNow() - last : (TimeSpan?)null;
            if (silence is { } quiet && quiet <= interval + timeout)
                return (BeatOutcome.Busy, null);
            return (BeatOutcome.Failed, silence is { } s
                ? $"another request held the guest agent's channel for {timeout.TotalSeconds:0.#} s, and the agent has not answered for {s.TotalSeconds:0} s"
                : $"another request held the guest agent's channel for {timeout.TotalSeconds:0.#} s, and the agent has not answered yet");
        }
        catch (Exception e) when (e is GuestAgentException or IOException or SocketException)
        {
            return (BeatOutcome.Failed, e.Message);
        }
    }
}
