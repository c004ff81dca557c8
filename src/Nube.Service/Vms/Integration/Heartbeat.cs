using System.Net.Sockets;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Worker;

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
            // One sentence for as long as it lasts: a changed error is a new event.
            return (BeatOutcome.Failed, silence is null
                ? "another request holds the guest agent's channel, and the agent has not answered yet during this run"
                : $"another request holds the guest agent's channel, and the agent has not answered it for over {(interval + timeout).TotalSeconds:0} s");
        }
        catch (Exception e) when (e is GuestAgentException or IOException or SocketException)
        {
            return (BeatOutcome.Failed, e.Message);
        }
    }
}
