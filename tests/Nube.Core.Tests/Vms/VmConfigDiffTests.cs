using System.Collections.Immutable;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Vms;

public class VmConfigDiffTests
{
    private static readonly VmConfig Before = DeviceIds.Assign(null, TestVms.KernelBoot() with
    {
        IdeDrives = [TestVms.Disk(0, 0)],
        ScsiControllers = TestVms.ScsiControllers(1, 2),
        NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Synthetic, 1),
        Notes = "old",
    });

    /// <summary>As nubed compares: the devices sent back without ids keep those of the devices they replace.</summary>
    private static VmConfigDiff Diff(VmConfig before, VmConfig after) => VmConfigDiff.Compute(before, DeviceIds.Assign(before, after));

    public static TheoryData<string, Func<VmConfig, VmConfig>, string, string> EachField => new()
    {
        { "name", vm => vm with { Name = "db" }, "web", "db" },
        { "processorCount", vm => vm with { ProcessorCount = 4 }, "1", "4" },
        { "memoryStartupMiB", vm => vm with { MemoryStartupMiB = 2048 }, "512", "2048" },
        {
            "boot", vm => vm with { Boot = vm.Boot with { CommandLine = "console=ttyS0" } },
            """{"kind":"kernel","kernel":"/var/lib/nube/images/vmlinux"}""",
            """{"kind":"kernel","kernel":"/var/lib/nube/images/vmlinux","commandLine":"console=ttyS0"}"""
        },
        { "com1", vm => vm with { Com1 = new ComPort { Log = false } }, """{"log":true}""", """{"log":false}""" },
        { "automaticStartAction", vm => vm with { AutomaticStartAction = AutomaticStartAction.AlwaysStart }, "nothing", "alwaysStart" },
        { "automaticStartDelaySeconds", vm => vm with { AutomaticStartDelaySeconds = 30 }, "0", "30" },
        { "automaticStopAction", vm => vm with { AutomaticStopAction = AutomaticStopAction.TurnOff }, "save", "turnOff" },
        { "crashAction", vm => vm with { CrashAction = CrashAction.Restart }, "off", "restart" },
        { "notes", vm => vm with { Notes = "new\nline" }, "old", "new\nline" },
        { "secureBoot", vm => vm with { SecureBoot = false }, "default", "false" },
    };

    [Theory]
    [MemberData(nameof(EachField))]
    public void Each_setting_shows_up_under_its_JSON_name_with_both_values(
        string field, Func<VmConfig, VmConfig> change, string before, string after)
    {
        var diff = VmConfigDiff.Compute(Before, change(Before));
        Assert.Equal([new VmConfigChange(field, before, after)], diff.Changes);
        Assert.False(diff.IsEmpty);
        Assert.True(diff.Changed(field));
        Assert.Same(Before, diff.Before);
    }

    [Fact]
    public void Equal_configurations_built_apart_have_an_empty_diff()
    {
        var rebuilt = DeviceIds.Assign(null, TestVms.KernelBoot() with
        {
            Boot = new BootSource { Kind = BootKind.Kernel, Kernel = "/var/lib/nube/images/vmlinux" },
            IdeDrives = [TestVms.Disk(0, 0)],
            ScsiControllers = TestVms.ScsiControllers(1, 2),
            NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Synthetic, 1),
            Com1 = new ComPort(),
            Notes = "old",
        });
        Assert.NotEqual(Before.ScsiControllers[0], rebuilt.ScsiControllers[0]); // record equality alone would call them different

        var diff = VmConfigDiff.Compute(Before, rebuilt);
        Assert.Empty(diff.Changes);
        Assert.Empty(diff.Devices);
        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Several_changes_come_in_the_order_of_the_settings()
    {
        var after = Before with
        {
            Notes = "new",
            ProcessorCount = 2,
            Name = "db",
            IdeDrives = [TestVms.Disk(0, 0), TestVms.Disk(0, 1)],
            CrashAction = CrashAction.Restart,
        };
        var diff = Diff(Before, after);
        Assert.Equal(["name", "processorCount", "crashAction", "notes"], diff.Changes.Select(c => c.Field));
        Assert.Equal(["add IDE hard disk disk3 at ide0:1"], diff.Devices.Select(d => d.ToString()));
    }

    [Fact]
    public void An_adapter_moved_in_its_list_stays_in_its_slot_and_only_one_without_a_slot_changes()
    {
        var two = DeviceIds.Assign(null, Before with { NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Synthetic, 2) });
        Assert.Equal([8, 9], two.NetworkAdapters.Select(a => a.PciSlot));
        var swapped = two with { NetworkAdapters = [two.NetworkAdapters[1], two.NetworkAdapters[0]] };
        Assert.Empty(Diff(two, swapped).Devices);
        // Made before adapters had slots: QEMU places them in list order.
        var placed = two with { NetworkAdapters = [.. two.NetworkAdapters.Select(a => a with { PciSlot = null })] };
        var moved = placed with { NetworkAdapters = [placed.NetworkAdapters[1], placed.NetworkAdapters[0]] };
        Assert.Equal(["change network adapter nic1", "change network adapter nic0"], Diff(placed, moved).Devices.Select(d => d.ToString()));
    }

    [Fact]
    public void A_default_list_counts_as_empty()
    {
        var empty = Before with { IdeDrives = [], NetworkAdapters = [] };
        var unset = Before with { IdeDrives = default, NetworkAdapters = default };
        Assert.True(VmConfigDiff.Compute(empty, unset).IsEmpty);
        Assert.Equal("add network adapter nic0",
            Assert.Single(Diff(unset, unset with { NetworkAdapters = [new NetworkAdapter()], IdeDrives = ImmutableArray<IdeDrive>.Empty }).Devices).ToString());
    }

    [Fact]
    public void Configurations_of_two_VMs_are_refused()
    {
        var other = Before with { Id = Guid.Parse("00000000-0000-0000-0000-000000000001") };
        var error = Assert.Throws<ArgumentException>(() => VmConfigDiff.Compute(Before, other));
        Assert.Equal("A diff compares one VM's configurations; got VMs 6f1c1b3e-2a4d-4c8e-9b1f-0123456789ab and 00000000-0000-0000-0000-000000000001. (Parameter 'after')",
            error.Message);
    }
}
