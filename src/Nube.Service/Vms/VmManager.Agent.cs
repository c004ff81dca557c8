using Nube.Contracts.Vms;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;

namespace Nube.Service.Vms;

public sealed partial class VmManager
{
    /// <summary>
    /// Asks the guest agent for a sign of life, waiting up to <paramref name="wait"/>.
    /// Null when the VM is not running.
    /// </summary>
    public async Task<GuestAgentStatus?> ProbeAgentAsync(VmEntry entry, TimeSpan wait, CancellationToken ct)
    {
        if (CurrentState(entry) != VmState.Running)
            return null;
        // The channel takes one client at a time: wait for another probe no longer than our own budget.
        if (!await entry.AgentLock.WaitAsync(wait, ct).ConfigureAwait(false))
            return new GuestAgentStatus { Responding = false, Error = $"another request held the guest agent's channel for the whole {wait.TotalSeconds:0.#} s wait" };
        try
        {
            await using var stream = await UnixSocket.ConnectAsync(entry.Paths.AgentSocket, ct).ConfigureAwait(false);
            await using var agent = await GuestAgentClient.ConnectAsync(stream, wait, logger, ct).ConfigureAwait(false);
            await agent.PingAsync(ct: ct).ConfigureAwait(false);
            var info = await agent.GetInfoAsync(ct: ct).ConfigureAwait(false);
            return new GuestAgentStatus { Responding = true, Version = info.Version };
        }
        catch (Exception e) when (e is GuestAgentException or IOException or System.Net.Sockets.SocketException)
        {
            return new GuestAgentStatus { Responding = false, Error = e.Message };
        }
        finally
        {
            entry.AgentLock.Release();
        }
    }
}
