using Nube.Core.Integration;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// The status each service reads, as Hyper-V shows them: every service speaks through the one
/// guest agent, so a service with nothing to ask yet (shutdown before a stop) reads as the
/// agent's channel does, and while the heartbeat finds the agent silent no service reads OK.
/// A service's own failure is its own to tell.
/// </summary>
public static class IntegrationView
{
    public static ServiceHealth Of(VmSnapshot s, IntegrationService service)
    {
        var own = s.Integration.GetValueOrDefault(service);
        if (s.Config?.IntegrationServices is not { } settings || !settings.IsEnabled(service))
            return new ServiceHealth(IntegrationStatus.Disabled, own?.LastGoodAnswer, null);
        var channel = service != IntegrationService.Heartbeat && settings.Heartbeat
            ? s.Integration.GetValueOrDefault(IntegrationService.Heartbeat) : null;
        if (own is { Status: not IntegrationStatus.Ok })
            return own;
        if (channel is { Status: not IntegrationStatus.Ok })
        {
            var lastGood = own?.LastGoodAnswer ?? channel.LastGoodAnswer;
            return new ServiceHealth(lastGood is null ? IntegrationStatus.NoContact : IntegrationStatus.LostCommunication, lastGood, channel.Error);
        }
        return own ?? (channel is not null ? channel with { Error = null } : new ServiceHealth(IntegrationStatus.NoContact, null, null));
    }
}
