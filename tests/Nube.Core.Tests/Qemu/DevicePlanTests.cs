using System.Collections.Immutable;
using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Qemu;

/// <summary>
/// Every hot-plug plan as a golden (<c>Goldens/plan-&lt;case&gt;.plan</c>): each device change,
/// its steps and what undoes each. <c>NUBE_UPDATE_GOLDENS=1</c> rewrites them, as for the argv goldens.
/// </summary>
public class DevicePlanTests
{
    private static readonly VmConfig Running = DeviceIds.Assign(null, TestVms.KernelBoot() with
    {
        ScsiControllers = [new ScsiController { Disks = [TestVms.ScsiDisk(0)] }],
        IdeDrives = [new IdeDrive { Controller = 1, Media = DriveMedia.Dvd }, new IdeDrive { Controller = 1, Location = 1, Media = DriveMedia.Dvd, Path = "/srv/iso/a.iso" }],
        NetworkAdapters = [new NetworkAdapter { MacAddress = "52:54:00:00:00:01", Switch = "lan" }, new NetworkAdapter { MacAddress = "52:54:00:00:00:02" }],
    });

    private static VmConfig WithSwitches(string? first, string? second) => Running with
    {
        NetworkAdapters = [Running.NetworkAdapters[0] with { Switch = first }, Running.NetworkAdapters[1] with { Switch = second }],
    };

    private static VmConfig WithScsi(params ScsiDisk[] disks) => Running with { ScsiControllers = [Running.ScsiControllers[0] with { Disks = [.. disks] }] };

    public static TheoryData<string> Cases => new(CaseTable.Keys.Order(StringComparer.Ordinal));

    private static readonly Dictionary<string, (VmConfig Desired, ImmutableDictionary<string, ImmutableArray<BackingImage>>? Backing)> CaseTable = new()
    {
        ["scsi-add-raw"] = (WithScsi(Running.ScsiControllers[0].Disks[0], new ScsiDisk { Location = 3, Path = "/srv/images/data.raw" }), null),
        ["scsi-add-qcow2-chain"] = (WithScsi(Running.ScsiControllers[0].Disks[0],
            new ScsiDisk { Location = 1, Path = "/srv/images/child.qcow2", Cache = DiskCache.Direct }),
            ImmutableDictionary<string, ImmutableArray<BackingImage>>.Empty.Add("/srv/images/child.qcow2",
                [new BackingImage("/srv/images/middle.qcow2", DiskFormat.Qcow2), new BackingImage("/srv/images/base.vhdx", DiskFormat.Vhdx)])),
        ["scsi-add-vhdx-read-only"] = (WithScsi(Running.ScsiControllers[0].Disks[0], new ScsiDisk { Location = 2, Path = "/srv/images/ro.vhdx", ReadOnly = true }), null),
        ["scsi-remove"] = (WithScsi(), null),
        ["scsi-remove-and-add"] = (WithScsi(new ScsiDisk { Location = 5, Path = "/srv/images/other.raw" }), null),
        ["dvd-insert"] = (Running with { IdeDrives = [Running.IdeDrives[0] with { Path = "/srv/iso/debian-12.iso" }, Running.IdeDrives[1]] }, null),
        ["dvd-eject"] = (Running with { IdeDrives = [Running.IdeDrives[0], Running.IdeDrives[1] with { Path = null }] }, null),
        ["dvd-swap"] = (Running with { IdeDrives = [Running.IdeDrives[0], Running.IdeDrives[1] with { Path = "/srv/iso/b.iso" }] }, null),
        ["nic-switch-change"] = (WithSwitches("dmz", "lan"), null),
        ["nic-disconnect"] = (WithSwitches(null, null), null),
        ["nic-add-on-switch"] = (Running with
        {
            NetworkAdapters = [.. Running.NetworkAdapters, new NetworkAdapter { MacAddress = "52:54:00:00:00:03", Switch = "dmz", VlanId = 20 }],
        }, null),
        ["nic-add-on-none"] = (Running with { NetworkAdapters = [.. Running.NetworkAdapters, new NetworkAdapter { MacAddress = "52:54:00:00:00:03" }] }, null),
        ["nic-add-multi-queue"] = (Running with
        {
            ProcessorCount = 2,
            NetworkAdapters = [.. Running.NetworkAdapters, new NetworkAdapter { MacAddress = "52:54:00:00:00:03", Switch = "lan" }],
        }, null),
        ["nic-remove"] = (Running with { NetworkAdapters = [Running.NetworkAdapters[1]] }, null),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_plan_is_its_golden(string name)
    {
        var (desired, backing) = CaseTable[name];
        var plan = DevicePlan.Plan(Running, DeviceIds.Assign(Running, desired), backing);
        var actual = string.Concat(plan.Select(unit => $"# {unit.Change}\n" + PlanGolden.Render(unit.Steps)));
        PlanGolden.Check(name, actual);
    }

    [Fact]
    public void A_generation_2_adapter_is_plugged_into_its_root_port()
    {
        var running = DeviceIds.Assign(null, TestVms.KernelBoot() with
        {
            Generation = 2, PcieRootPorts = 2, Boot = new BootSource { Kind = BootKind.Disk },
            NetworkAdapters = [new NetworkAdapter { MacAddress = "52:54:00:00:00:01" }],
        });
        var desired = DeviceIds.Assign(running, running with { NetworkAdapters = [.. running.NetworkAdapters, new NetworkAdapter { MacAddress = "52:54:00:00:00:02", Switch = "lan" }] });
        var unit = Assert.Single(DevicePlan.Plan(running, desired));
        var add = Assert.IsType<QmpStep>(unit.Steps.Single(s => s.Do is QmpStep { Command: "device_add" }).Do);
        Assert.Equal("""{"driver":"virtio-net-pci","id":"nic1","netdev":"net1","mac":"52:54:00:00:00:02","bus":"port9","rx_queue_size":1024}""", add.Arguments.ToJsonString());
    }

    [Fact]
    public void A_change_that_needs_the_VM_off_has_no_plan()
    {
        var error = Assert.Throws<ArgumentException>(() => DevicePlan.Plan(Running, DeviceIds.Assign(Running, Running with { IdeDrives = [] })));
        Assert.StartsWith("ideDrives[0]: cannot remove DVD drive dvd0 at ide1:0 while the VM runs", error.Message);
        var nic = Assert.Throws<ArgumentException>(() => DevicePlan.Plan(Running, DeviceIds.Assign(Running, WithSwitches("user", null))));
        Assert.StartsWith("networkAdapters[0]: cannot change network adapter nic0 while the VM runs", nic.Message);
    }
}
