using System.Net.Sockets;
using Nube.Core.Integration;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// Time synchronization: reads the guest's clock to measure its drift, then sets it from the
/// host's, both in one turn on the agent's channel so that nothing runs between them.
/// </summary>
public static class TimeSynchronizer
{
    /// <summary>True when the clock was set; a failure of the guest's is recorded in the report.</summary>
    public static async Task<bool> SyncAsync(GuestAgentSession agent, IntegrationReport report, TimeSpan timeout, TimeProvider clock,
        ILogger logger, CancellationToken ct)
    {
        try
        {
            var synced = await agent.UseAsync(async (client, t) =>
            {
                var sent = clock.GetUtcNow();
                var guest = await client.GetTimeAsync(timeout, t).ConfigureAwait(false);
                var received = clock.GetUtcNow();
                var drift = TimeDrift.Milliseconds(sent, guest, received);
                // The setting takes about as long to arrive as the reading took to come back.
                var now = clock.GetUtcNow();
                await client.SetTimeAsync(TimeDrift.UnixNanoseconds(now + (received - sent) / 2), timeout, t).ConfigureAwait(false);
                return new TimeSyncState(now, drift);
            }, timeout, ct).ConfigureAwait(false);
            report.TimeSynced(synced);
            logger.LogDebug("Set the guest's clock; it was {Drift:0.###} ms off", synced.DriftMilliseconds);
            return true;
        }
        catch (GuestAgentBusyException)
        {
            // Another request holds the channel: the guest is not at fault; the next turn tries again.
            return false;
        }
        catch (Exception e) when (e is GuestAgentException or IOException or SocketException)
        {
            report.Failed(IntegrationService.TimeSynchronization, e.Message);
            return false;
        }
    }
}
