using System.Text.Json;
using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Serialization;

namespace Nube.Core.Tests.Qemu;

public class LaunchContextJsonTests
{
    [Fact]
    public void A_context_round_trips_through_Nube_JSON()
    {
        var context = new QemuLaunchContext(Accelerator.Kvm, new VmRuntimePaths("/run/a", "/var/a"), Incoming: true,
            RestoreFrom: "/var/a/saved.state");
        var json = JsonSerializer.Serialize(context, NubeJson.Options);
        Assert.Equal(context, JsonSerializer.Deserialize<QemuLaunchContext>(json, NubeJson.Options));
    }
}
