using Nube.Core.Integration;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Vms;

public class IntegrationPatchTests
{
    private static readonly IntegrationSettings Current = new IntegrationSettings { HeartbeatIntervalSeconds = 7 }
        .With(IntegrationService.Backup, false);

    [Fact]
    public void A_patch_of_timings_alone_keeps_the_enabled_services_and_the_other_timings()
    {
        var next = new IntegrationPatch { HeartbeatTimeoutSeconds = 2 }.Apply(Current);

        Assert.Equal(Current with { HeartbeatTimeoutSeconds = 2 }, next);
        Assert.False(next.Backup);
        Assert.Equal(7, next.HeartbeatIntervalSeconds);
    }

    [Fact]
    public void A_patch_with_the_enabled_services_replaces_the_whole_set()
    {
        var next = new IntegrationPatch { Enabled = new HashSet<IntegrationService> { IntegrationService.Heartbeat, IntegrationService.GuestServices } }
            .Apply(Current);

        Assert.Equal([IntegrationService.Heartbeat, IntegrationService.GuestServices], IntegrationServices.All.Where(next.IsEnabled));
        Assert.Equal(7, next.HeartbeatIntervalSeconds);
    }

    [Fact]
    public void A_vm_without_its_own_timings_uses_the_hosts()
    {
        var host = new Nube.Core.Hosts.HostConfig { HeartbeatTimeoutSeconds = 9, TimeSyncIntervalSeconds = 0 };

        Assert.Equal(TimeSpan.FromSeconds(7), Current.HeartbeatInterval(host));
        Assert.Equal(TimeSpan.FromSeconds(9), Current.HeartbeatTimeout(host));
        Assert.Equal(TimeSpan.Zero, Current.TimeSyncInterval(host));
    }
}
