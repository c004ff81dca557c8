using Nube.Core.Vms;

namespace Nube.Core.Tests.Vms;

public class LiveChangesTests
{
    private static readonly VmConfig Before = DeviceIds.Assign(null, TestVms.KernelBoot() with
    {
        IdeDrives = [TestVms.Disk(0, 0), new IdeDrive { Controller = 1, Media = DriveMedia.Dvd }],
        ScsiControllers = TestVms.ScsiControllers(1, 1),
        NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Synthetic, 1),
    });

    private static VmConfigDiff Diff(Func<VmConfig, VmConfig> change) => VmConfigDiff.Compute(Before, DeviceIds.Assign(Before, change(Before)));

    public static TheoryData<Func<VmConfig, VmConfig>> AllowedWhileRunning => new()
    {
        vm => vm with { Name = "db" },
        vm => vm with { Notes = "moved to rack 4" },
        vm => vm with { AutomaticStartAction = AutomaticStartAction.StartIfRunning },
        vm => vm with { AutomaticStartDelaySeconds = 120 },
        vm => vm with { AutomaticStopAction = AutomaticStopAction.ShutDown },
        vm => vm with { CrashAction = CrashAction.Restart },
    };

    public static TheoryData<Func<VmConfig, VmConfig>, string, string> OnlyWhileOff => new()
    {
        { vm => vm with { ProcessorCount = 2 }, "processorCount", "2" },
        { vm => vm with { MemoryStartupMiB = 1024 }, "memoryStartupMiB", "1024" },
        { vm => vm with { Boot = vm.Boot with { Initrd = "/var/lib/nube/images/initrd" } }, "boot",
            """{"kind":"kernel","kernel":"/var/lib/nube/images/vmlinux","initrd":"/var/lib/nube/images/initrd"}""" },
        { vm => vm with { SecureBoot = true }, "secureBoot", "true" },
        { vm => vm with { Processor = ProcessorModel.Compatible }, "processorModel", "compatible" },
        { vm => vm with { Com1 = new ComPort { Log = false } }, "com1", """{"log":false}""" },
    };

    [Theory]
    [MemberData(nameof(AllowedWhileRunning))]
    public void Host_side_settings_may_change_while_the_VM_runs(Func<VmConfig, VmConfig> change)
    {
        var diff = Diff(change);
        Assert.Single(diff.Changes);
        Assert.True(LiveChanges.MayChangeWhileRunning(diff.Changes[0]));
        Assert.Empty(LiveChanges.Check(diff, VmState.Running));
    }

    [Theory]
    [MemberData(nameof(OnlyWhileOff))]
    public void Virtual_hardware_changes_only_while_the_VM_is_off(Func<VmConfig, VmConfig> change, string field, string value)
    {
        var diff = Diff(change);
        var error = Assert.Single(LiveChanges.Check(diff, VmState.Running));
        Assert.Equal($"{field}: can change only while the VM is off; it is running", error.Message);
        Assert.Equal(field, error.Field);
        Assert.Equal(value, error.Value);
        Assert.False(LiveChanges.MayChangeWhileRunning(diff.Changes[0]));
        Assert.Empty(LiveChanges.Check(diff, VmState.Off));
    }

    [Fact]
    public void Every_change_that_needs_the_VM_off_is_reported_at_once_and_the_others_are_not()
    {
        var diff = Diff(vm => vm with
        {
            Name = "db",
            ProcessorCount = 2,
            MemoryStartupMiB = 1024,
            Com1 = new ComPort { Log = false },
            Notes = "n",
        });
        Assert.Equal([
            "processorCount: can change only while the VM is off; it is saved, and its saved state needs this hardware: start it and shut it down first",
            "memoryStartupMiB: can change only while the VM is off; it is saved, and its saved state needs this hardware: start it and shut it down first",
            "com1: can change only while the VM is off; it is saved, and its saved state needs this hardware: start it and shut it down first",
        ], LiveChanges.Check(diff, VmState.Saved).Select(e => e.Message));
    }

    [Theory]
    [InlineData(VmState.Starting, "starting")]
    [InlineData(VmState.Running, "running")]
    [InlineData(VmState.Paused, "paused")]
    [InlineData(VmState.Saving, "saving")]
    [InlineData(VmState.Saved, "saved, and its saved state needs this hardware: start it and shut it down first")]
    [InlineData(VmState.Stopping, "stopping")]
    public void The_message_names_the_state_in_its_JSON_word(VmState state, string word)
    {
        var error = Assert.Single(LiveChanges.Check(Diff(vm => vm with { ProcessorCount = 2 }), state));
        Assert.Equal($"processorCount: can change only while the VM is off; it is {word}", error.Message);
    }

    public static TheoryData<Func<VmConfig, VmConfig>, string> DevicesWhileRunning => new()
    {
        { vm => vm with { ScsiControllers = [vm.ScsiControllers[0] with { Disks = [.. vm.ScsiControllers[0].Disks, TestVms.ScsiDisk(3)] }] },
            "add SCSI disk disk2 at scsi0:3" },
        { vm => vm with { ScsiControllers = [vm.ScsiControllers[0] with { Disks = [] }] }, "remove SCSI disk disk0 at scsi0:0" },
        { vm => vm with { IdeDrives = [vm.IdeDrives[0], vm.IdeDrives[1] with { Path = "/iso/debian.iso" }] }, "change DVD drive dvd0 at ide1:0" },
        { vm => vm with { NetworkAdapters = [vm.NetworkAdapters[0] with { Switch = "lan" }] }, "change network adapter nic0 to switch lan" },
    };

    [Theory]
    [MemberData(nameof(DevicesWhileRunning))]
    public void SCSI_disks_come_and_go_and_a_DVD_takes_media_while_the_VM_runs(Func<VmConfig, VmConfig> change, string device)
    {
        var diff = Diff(change);
        Assert.Equal(device, Assert.Single(diff.Devices).ToString());
        Assert.Empty(LiveChanges.Check(diff, VmState.Running));
        Assert.Equal($"{diff.Devices[0].Field}: cannot {device} while the VM is saved, and its saved state needs this hardware: start it and shut it down first",
            Assert.Single(LiveChanges.Check(diff, VmState.Saved)).Message);
    }

    public static TheoryData<Func<VmConfig, VmConfig>, string> DevicesOnlyWhileOff => new()
    {
        { vm => vm with { IdeDrives = [vm.IdeDrives[1]] },
            "ideDrives[0]: cannot remove IDE hard disk disk1 at ide0:0 while the VM is running (IDE drives are added, removed and changed only while the VM is off (as on Hyper-V), apart from a DVD's medium; SCSI disks can be added and removed while it runs)" },
        { vm => vm with { IdeDrives = [vm.IdeDrives[0] with { ReadOnly = true }, vm.IdeDrives[1]] },
            "ideDrives[0]: cannot change IDE hard disk disk1 at ide0:0 while the VM is running (IDE drives are added, removed and changed only while the VM is off (as on Hyper-V), apart from a DVD's medium; SCSI disks can be added and removed while it runs)" },
        { vm => vm with { ScsiControllers = [vm.ScsiControllers[0] with { Disks = [vm.ScsiControllers[0].Disks[0] with { Cache = DiskCache.Direct }] }] },
            "scsiControllers[0].disks[0]: cannot change SCSI disk disk0 at scsi0:0 while the VM is running (a SCSI disk's settings and place change only while the VM is off; remove it and add it again)" },
        { vm => vm with { ScsiControllers = [vm.ScsiControllers[0], new ScsiController()] },
            "scsiControllers[1]: cannot add SCSI controller scsi1 (1) while the VM is running (SCSI controllers are added, removed and changed only while the VM is off (as on Hyper-V))" },
        { vm => vm with { NetworkAdapters = [.. vm.NetworkAdapters, new NetworkAdapter { Kind = NetworkAdapterKind.Legacy }] },
            "networkAdapters[1]: cannot add network adapter nic1 while the VM is running (legacy adapters are added and removed only while the VM is off (as on Hyper-V); synthetic ones also while it runs)" },
        { vm => vm with { NetworkAdapters = [.. vm.NetworkAdapters, new NetworkAdapter { Switch = "user" }] },
            "networkAdapters[1]: cannot add network adapter nic1 while the VM is running (an adapter on user-mode NAT is added and removed only while the VM is off; one on a virtual switch, or on none, also while it runs)" },
        { vm => vm with { NetworkAdapters = [vm.NetworkAdapters[0] with { Switch = "user" }] },
            "networkAdapters[0]: cannot change network adapter nic0 while the VM is running (while it runs, an adapter changes only its virtual switch (or none), " +
            "its VLAN, bandwidth and guards; its other settings, and user-mode or tap: connections, change while it is off)" },
        { vm => vm with { NetworkAdapters = [vm.NetworkAdapters[0] with { Switch = "lan", MacAddress = "52:54:00:aa:bb:cc" }] },
            "networkAdapters[0]: cannot change network adapter nic0 while the VM is running (while it runs, an adapter changes only its virtual switch (or none), " +
            "its VLAN, bandwidth and guards; its other settings, and user-mode or tap: connections, change while it is off)" },
    };

    [Theory]
    [MemberData(nameof(DevicesOnlyWhileOff))]
    public void Other_device_changes_wait_for_the_VM_to_be_off(Func<VmConfig, VmConfig> change, string message)
    {
        var diff = Diff(change);
        Assert.Equal(message, Assert.Single(LiveChanges.Check(diff, VmState.Running)).Message);
        Assert.Empty(LiveChanges.Check(diff, VmState.Off));
    }

    [Fact]
    public void A_disk_for_a_new_controller_waits_with_its_controller()
    {
        var diff = Diff(vm => vm with { ScsiControllers = [vm.ScsiControllers[0], new ScsiController { Disks = [TestVms.ScsiDisk(0)] }] });
        Assert.Equal(["add SCSI controller scsi1 (1)", "add SCSI disk disk2 at scsi1:0"], diff.Devices.Select(d => d.ToString()));
        Assert.Equal(2, LiveChanges.Check(diff, VmState.Running).Count);
    }

    [Fact]
    public void Synthetic_adapters_on_a_switch_or_on_none_come_and_go_while_a_generation_1_VM_runs()
    {
        var diff = Diff(vm => vm with
        {
            NetworkAdapters = [new NetworkAdapter { Switch = "lan", MacAddress = "52:54:00:aa:00:01" }, new NetworkAdapter { MacAddress = "52:54:00:aa:00:02" }],
        });
        Assert.Equal(["remove network adapter nic0", "add network adapter nic1", "add network adapter nic2"], diff.Devices.Select(d => d.ToString()));
        Assert.Empty(LiveChanges.Check(diff, VmState.Running));
    }

    [Fact]
    public void A_generation_2_VM_adds_and_removes_adapters_while_it_runs_only_in_its_root_ports()
    {
        var gen2 = Before with { Generation = 2, IdeDrives = [], PcieRootPorts = 2 };
        var before = DeviceIds.Assign(null, gen2 with { NetworkAdapters = [new NetworkAdapter { MacAddress = "52:54:00:aa:00:01" }] });
        var added = DeviceIds.Assign(before, before with { NetworkAdapters = [.. before.NetworkAdapters, new NetworkAdapter { MacAddress = "52:54:00:aa:00:02" }] });
        Assert.Equal([8, 9], added.NetworkAdapters.Select(a => a.PciSlot));
        Assert.Empty(LiveChanges.Check(VmConfigDiff.Compute(before, added), VmState.Running));
        Assert.Empty(LiveChanges.Check(VmConfigDiff.Compute(added, added with { NetworkAdapters = [added.NetworkAdapters[1]] }), VmState.Running));
        // Both ports taken: a third adapter gets slot 10, which has none.
        var third = DeviceIds.Assign(added, added with { NetworkAdapters = [.. added.NetworkAdapters, new NetworkAdapter { MacAddress = "52:54:00:aa:00:03" }] });
        Assert.Equal("networkAdapters[2]: cannot add network adapter nic2 while the VM is running (a generation 2 VM's adapters come and go while it runs " +
            "in its 2 PCI Express root ports (slots 8 to 9), and this one is in slot 10; with the VM off, add ports (pcieRootPorts) or remove it)",
            Assert.Single(LiveChanges.Check(VmConfigDiff.Compute(added, third), VmState.Running)).Message);
        // Made before root ports: none of its adapters comes or goes while it runs.
        var old = before with { PcieRootPorts = null };
        Assert.Equal("networkAdapters[0]: cannot remove network adapter nic0 while the VM is running (this generation 2 VM has no PCI Express root ports " +
            "for hot plug (it was made before Nube gave them): with it off, set pcieRootPorts (1 to 16))",
            Assert.Single(LiveChanges.Check(VmConfigDiff.Compute(old, old with { NetworkAdapters = [] }), VmState.Running)).Message);
    }

    [Fact]
    public void No_change_is_never_an_error()
    {
        var diff = VmConfigDiff.Compute(Before, Before with { });
        Assert.True(diff.IsEmpty);
        Assert.Empty(LiveChanges.Check(diff, VmState.Running));
    }
}
