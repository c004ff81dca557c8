using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Vms;

public class DeviceIdsTests
{
    private static readonly VmConfig Two = DeviceIds.Assign(null, TestVms.KernelBoot() with
    {
        ScsiControllers = TestVms.ScsiControllers(2, 2),
        IdeDrives = [TestVms.Disk(0, 0), new IdeDrive { Controller = 1, Media = DriveMedia.Dvd }],
        NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Synthetic, 2),
    });

    [Fact]
    public void A_new_VM_s_devices_are_numbered_by_kind()
    {
        Assert.Equal(["scsi0", "disk0", "disk1", "scsi1", "disk2", "disk3", "disk4", "dvd0", "nic0", "nic1"], DeviceIds.All(Two));
    }

    [Fact]
    public void Removing_the_first_controller_and_adapter_renumbers_nothing()
    {
        var after = DeviceIds.Assign(Two, Two with { ScsiControllers = [Two.ScsiControllers[1]], NetworkAdapters = [Two.NetworkAdapters[1]] });
        Assert.Equal(["scsi1", "disk2", "disk3", "disk4", "dvd0", "nic1"], DeviceIds.All(after));
        Assert.Equal(["remove SCSI disk disk0 at scsi0:0", "remove SCSI disk disk1 at scsi0:1", "remove SCSI controller scsi0 (0)",
            "remove network adapter nic0", "change SCSI controller scsi1 (0)", "change SCSI disk disk2 at scsi0:0", "change SCSI disk disk3 at scsi0:1"],
            DeviceDiff.Compute(Two, after).Select(c => c.ToString()));
    }

    [Fact]
    public void A_device_sent_back_without_its_id_keeps_the_id_of_the_one_at_its_place()
    {
        var resent = Two with
        {
            ScsiControllers = [.. Two.ScsiControllers.Select(c => c with { Id = "", Disks = [.. c.Disks.Select(d => d with { Id = "" })] })],
            IdeDrives = [.. Two.IdeDrives.Select(d => d with { Id = "" })],
            NetworkAdapters = [Two.NetworkAdapters[1] with { Id = "" }, Two.NetworkAdapters[0] with { Id = "" }],
        };
        var after = DeviceIds.Assign(Two, resent);
        Assert.Equal(["scsi0", "disk0", "disk1", "scsi1", "disk2", "disk3", "disk4", "dvd0", "nic1", "nic0"], DeviceIds.All(after));
    }

    [Fact]
    public void An_id_removed_in_a_change_is_not_given_to_a_device_added_in_it()
    {
        var after = DeviceIds.Assign(Two, Two with { NetworkAdapters = [new NetworkAdapter { MacAddress = TestVms.Mac(9) }] });
        Assert.Equal(["nic2"], after.NetworkAdapters.Select(n => n.Id));
        Assert.Equal(["remove network adapter nic0", "remove network adapter nic1", "add network adapter nic2"],
            DeviceDiff.Compute(Two, after).Select(c => c.ToString()));
    }

    [Fact]
    public void A_new_adapter_gets_the_lowest_slot_that_no_adapter_before_or_after_the_change_has()
    {
        Assert.Equal([8, 9], Two.NetworkAdapters.Select(n => n.PciSlot));
        // nic0 goes and one comes in the same change: it does not take slot 8 that nic0 still holds.
        var swapped = DeviceIds.Assign(Two, Two with { NetworkAdapters = [Two.NetworkAdapters[1], new NetworkAdapter { MacAddress = TestVms.Mac(9) }] });
        Assert.Equal([9, 10], swapped.NetworkAdapters.Select(n => n.PciSlot));
        // Sent back without its slot, an adapter keeps it; the next new one gets the freed slot 8.
        var later = DeviceIds.Assign(swapped, swapped with
        {
            NetworkAdapters = [.. swapped.NetworkAdapters.Select(n => n with { PciSlot = null }), new NetworkAdapter { MacAddress = TestVms.Mac(10) }],
        });
        Assert.Equal([9, 10, 8], later.NetworkAdapters.Select(n => n.PciSlot));
    }

    [Fact]
    public void Adapters_past_the_last_slot_are_placed_by_QEMU_and_slots_out_of_range_or_shared_are_refused()
    {
        var full = DeviceIds.Assign(null, TestVms.KernelBoot() with { NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Synthetic, 25) });
        Assert.Equal([.. Enumerable.Range(8, 24).Select(n => (int?)n), null], full.NetworkAdapters.Select(n => n.PciSlot));
        var gen2 = DeviceIds.Assign(null, TestVms.KernelBoot() with { Generation = 2, NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Synthetic, 24) });
        Assert.Null(gen2.NetworkAdapters[^1].PciSlot);
        var errors = VmValidator.Validate(Two with
        {
            NetworkAdapters = [Two.NetworkAdapters[0] with { PciSlot = 2 }, Two.NetworkAdapters[1] with { PciSlot = 2 }],
        }, Nube.Core.Editions.Editions.Nube, [], []).Select(e => e.Message);
        Assert.Contains("networkAdapters[0].pciSlot: 2 is outside the PCI slots for adapters of a generation 1 VM 8 to 31", errors);
        errors = VmValidator.Validate(Two with
        {
            NetworkAdapters = [Two.NetworkAdapters[0] with { PciSlot = 12 }, Two.NetworkAdapters[1] with { PciSlot = 12 }],
        }, Nube.Core.Editions.Editions.Nube, [], []).Select(e => e.Message);
        Assert.Contains("networkAdapters[1].pciSlot: slot 12 is already networkAdapters[0]'s; leave it out and nubed gives a free one", errors);
    }

    [Fact]
    public void A_configuration_from_before_ids_gets_the_ids_its_QEMU_runs_with()
    {
        var legacy = TestVms.KernelBoot() with
        {
            SchemaVersion = 1,
            ScsiControllers = TestVms.ScsiControllers(2, 1),
            IdeDrives = [TestVms.Disk(1, 1)],
            NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Legacy, 2),
        };
        var upgraded = VmConfigUpgrade.ToCurrent(legacy);
        Assert.Equal(VmConfig.CurrentSchemaVersion, upgraded.SchemaVersion);
        Assert.Equal(["scsi0", "scsi0-0", "scsi1", "scsi1-0", "ide1-1", "nic0", "nic1"], DeviceIds.All(upgraded));
        Assert.Equal(["net0", "net1"], upgraded.NetworkAdapters.Select(DeviceIds.Backend));
    }
}
