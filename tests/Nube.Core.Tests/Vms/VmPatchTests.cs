using System.Text.Json;
using Nube.Core.Serialization;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Vms;

public class VmPatchTests
{
    private static readonly VmConfig Current = TestVms.KernelBoot() with
    {
        IdeDrives = [TestVms.Disk(0, 0)],
        NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Synthetic, 1),
        Notes = "old",
    };

    [Fact]
    public void An_empty_patch_changes_nothing()
    {
        Assert.Equal(Current, new VmPatch().Apply(Current));
    }

    [Fact]
    public void Every_field_set_in_the_patch_replaces_the_current_value()
    {
        var patch = new VmPatch
        {
            Name = "db",
            ProcessorCount = 2,
            MemoryStartupMiB = 1024,
            Boot = new BootSource { Kind = BootKind.Disk },
            IdeDrives = [TestVms.Disk(1, 1)],
            ScsiControllers = TestVms.ScsiControllers(1, 1),
            NetworkAdapters = [],
            Com1 = new ComPort { Log = false },
            AutomaticStartAction = AutomaticStartAction.AlwaysStart,
            AutomaticStartDelaySeconds = 30,
            AutomaticStopAction = AutomaticStopAction.ShutDown,
            CrashAction = CrashAction.Restart,
            Notes = "",
        };
        var expected = Current with
        {
            Name = "db",
            ProcessorCount = 2,
            MemoryStartupMiB = 1024,
            Boot = patch.Boot,
            IdeDrives = patch.IdeDrives.Value,
            ScsiControllers = patch.ScsiControllers.Value,
            NetworkAdapters = [],
            Com1 = patch.Com1,
            AutomaticStartAction = AutomaticStartAction.AlwaysStart,
            AutomaticStartDelaySeconds = 30,
            AutomaticStopAction = AutomaticStopAction.ShutDown,
            CrashAction = CrashAction.Restart,
            Notes = "",
        };
        Assert.Equal(expected, patch.Apply(Current));
    }

    [Fact]
    public void Apply_returns_a_new_value_and_keeps_the_id()
    {
        var patched = new VmPatch { ProcessorCount = 3 }.Apply(Current);
        Assert.Equal(1, Current.ProcessorCount);
        Assert.Equal(3, patched.ProcessorCount);
        Assert.Equal(Current.Id, patched.Id);
        Assert.Equal(Current.IdeDrives, patched.IdeDrives);
    }

    [Fact]
    public void Apply_does_not_validate()
    {
        Assert.Equal(0, new VmPatch { ProcessorCount = 0 }.Apply(Current).ProcessorCount);
    }

    [Fact]
    public void A_patch_reads_from_JSON_with_only_the_fields_given()
    {
        var patch = JsonSerializer.Deserialize<VmPatch>("""{"memoryStartupMiB": 2048, "crashAction": "restart", "ideDrives": []}""", NubeJson.Options)!;
        var patched = patch.Apply(Current);
        Assert.Equal(Current with { MemoryStartupMiB = 2048, CrashAction = CrashAction.Restart, IdeDrives = [] }, patched);
    }
}
