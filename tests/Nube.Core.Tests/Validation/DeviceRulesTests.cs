using Nube.Core.Validation;
using Nube.Core.Vms;
using EditionCatalogue = Nube.Core.Editions.Editions;

namespace Nube.Core.Tests.Validation;

/// <summary>Generations, boot disks, adapter models and TAP backends, each with its whole message.</summary>
public class DeviceRulesTests
{
    private static IReadOnlyList<string> Messages(VmConfig vm) =>
        [.. VmValidator.Validate(DeviceIds.FromPositions(vm), EditionCatalogue.Nube, [], []).Select(e => e.Message)];

    private static string Single(VmConfig vm) => Assert.Single(Messages(vm));

    [Fact]
    public void Secure_Boot_is_a_generation_2_setting()
    {
        Assert.Equal("secureBoot: true needs generation 2 (UEFI); a generation 1 VM boots through the BIOS, which has no Secure Boot",
            Single(TestVms.KernelBoot() with { SecureBoot = true }));
        Assert.Empty(Messages(TestVms.KernelBoot() with { SecureBoot = false }));
        Assert.Empty(Messages(TestVms.Generation2() with { SecureBoot = false }));
        Assert.True(Generations.SecureBootOn(TestVms.Generation2()));
        Assert.False(Generations.SecureBootOn(TestVms.Generation2() with { SecureBoot = false }));
    }

    [Fact]
    public void A_generation_2_VM_has_no_IDE_no_legacy_adapter_and_no_kernel_boot()
    {
        var vm = TestVms.Generation2() with
        {
            Boot = TestVms.KernelBoot().Boot,
            IdeDrives = [TestVms.Disk(0, 0), TestVms.Disk(1, 0)],
            NetworkAdapters = [new NetworkAdapter { Kind = NetworkAdapterKind.Synthetic }, new NetworkAdapter { Kind = NetworkAdapterKind.Legacy }],
        };
        Assert.Equal([
            "ideDrives: 2 drive(s) on a generation 2 VM, which has no IDE controller; attach disks to a SCSI controller",
            "networkAdapters[1].kind: 'legacy' is not available on a generation 2 VM, whose devices are all synthetic; use 'synthetic'",
            "boot.kind: 'kernel' is for generation 1; a generation 2 VM boots through its UEFI firmware from a SCSI disk ('disk')",
        ], Messages(vm));
    }

    [Fact]
    public void Each_generation_has_its_boot_disk_rule()
    {
        var gen1 = TestVms.KernelBoot() with
        {
            Boot = new BootSource { Kind = BootKind.Disk },
            IdeDrives = [TestVms.Disk(0, 0)],
            ScsiControllers = [new ScsiController { Disks = [TestVms.ScsiDisk(2)] }],
        };
        Assert.Equal(new DiskAddress(DiskBus.Ide, 0, 0), Generations.BootDisk(gen1));
        Assert.Equal(new DiskAddress(DiskBus.Scsi, 0, 2), Generations.BootDisk(gen1 with { Boot = new BootSource { Disk = "SCSI0:2" } }));
        var gen2 = TestVms.Generation2() with
        {
            ScsiControllers = [new ScsiController(), new ScsiController { Disks = [TestVms.ScsiDisk(5), TestVms.ScsiDisk(3)] }],
        };
        Assert.Equal(new DiskAddress(DiskBus.Scsi, 1, 3), Generations.BootDisk(gen2));
        Assert.Null(Generations.BootDisk(TestVms.KernelBoot()));
    }

    [Fact]
    public void The_boot_order_follows_a_dvd_with_the_first_hard_disk_and_a_hard_disk_with_the_first_dvd()
    {
        var dvd = TestVms.ScsiDisk(4) with { Media = DriveMedia.Dvd, Path = "/iso/installer.iso" };
        var installing = TestVms.Generation2() with { ScsiControllers = [new ScsiController { Disks = [TestVms.ScsiDisk(2), dvd] }] };
        // A blank boot disk falls through to the installer's disc; once installed, the disk boots first.
        Assert.Equal([new DiskAddress(DiskBus.Scsi, 0, 2), new DiskAddress(DiskBus.Scsi, 0, 4)], Generations.BootOrder(installing));
        var fromDisc = installing with { Boot = new BootSource { Disk = "scsi0:4" } };
        Assert.Equal([new DiskAddress(DiskBus.Scsi, 0, 4), new DiskAddress(DiskBus.Scsi, 0, 2)], Generations.BootOrder(fromDisc));
        Assert.Equal(1, Generations.BootIndex(installing, new DiskAddress(DiskBus.Scsi, 0, 4)));
        Assert.Equal([new DiskAddress(DiskBus.Scsi, 0, 2)], Generations.BootOrder(installing with { ScsiControllers = [new ScsiController { Disks = [TestVms.ScsiDisk(2)] }] }));
    }

    [Fact]
    public void A_named_boot_disk_must_be_an_address_with_a_drive()
    {
        var vm = TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(0, 1)] };
        Assert.Equal("boot.disk: 'sda' is not a disk address; write ide<controller>:<location> or scsi<controller>:<location>, e.g. scsi0:0",
            Single(vm with { Boot = new BootSource { Disk = "sda" } }));
        Assert.Equal("boot.disk: 'scsi0:1' names no drive with media; the VM has nothing at SCSI 0:1",
            Single(vm with { Boot = new BootSource { Disk = "scsi0:1" } }));
        Assert.Empty(Messages(vm with { Boot = new BootSource { Disk = "ide0:1" } }));
        Assert.Equal("boot.kind: 'disk' needs a hard disk at IDE controller 0, location 0",
            Single(vm with { Boot = new BootSource() }));
        Assert.Equal("boot.kind: 'disk' needs a SCSI disk on a generation 2 VM, and it has none",
            Single(TestVms.Generation2() with { ScsiControllers = [] }));
    }

    [Fact]
    public void A_model_belongs_to_its_kind()
    {
        var vm = TestVms.KernelBoot() with
        {
            NetworkAdapters =
            [
                new NetworkAdapter { Kind = NetworkAdapterKind.Legacy, Model = NicModel.E1000 },
                new NetworkAdapter { Kind = NetworkAdapterKind.Legacy, Model = NicModel.Tulip },
                new NetworkAdapter { Kind = NetworkAdapterKind.Synthetic, Model = NicModel.VirtioNet },
                new NetworkAdapter { Kind = NetworkAdapterKind.Synthetic, Model = NicModel.E1000 },
                new NetworkAdapter { Kind = NetworkAdapterKind.Legacy, Model = NicModel.VirtioNet },
            ],
        };
        Assert.Equal([
            "networkAdapters[3].model: 'e1000' is a legacy model; a synthetic adapter is 'virtio-net'",
            "networkAdapters[4].model: 'virtio-net' is a synthetic model; a legacy adapter is 'tulip' (the default) or 'e1000'",
        ], Messages(vm));
    }

    [Theory]
    [InlineData("tap:nbtap0")]
    [InlineData("tap:a")]
    [InlineData("tap:br-lan_1.100")]
    [InlineData("tap:abcdefghijklmno")]
    public void A_TAP_name_of_1_to_15_plain_characters_is_accepted(string name)
    {
        Assert.Empty(Messages(TestVms.KernelBoot() with { NetworkAdapters = [new NetworkAdapter { Switch = name }] }));
    }

    [Theory]
    [InlineData("tap:", 0)]
    [InlineData("tap:abcdefghijklmnop", 16)]
    [InlineData("tap:nb tap", 6)]
    [InlineData("tap:a/b", 3)]
    [InlineData("tap:a,b", 3)]
    [InlineData("tap:..", 2)]
    public void A_TAP_name_that_Linux_or_QEMU_would_refuse_is_refused(string name, int length)
    {
        Assert.Equal($"networkAdapters[0].switch: '{name}' names a TAP device of {length} characters; a TAP device's name has 1 to 15 characters " +
            "of A-Z, a-z, 0-9, '_', '.' and '-' (and is not '.' or '..')",
            Single(TestVms.KernelBoot() with { NetworkAdapters = [new NetworkAdapter { Switch = name }] }));
    }

    [Fact]
    public void The_generation_is_chosen_at_creation()
    {
        var before = TestVms.KernelBoot();
        Assert.Empty(ChangeRules.Check(before, before with { Notes = "x" }));
        var error = Assert.Single(ChangeRules.Check(before, before with { Generation = 2 }));
        Assert.Equal("generation: 2 cannot be set on an existing VM; a VM's generation is chosen when it is created (this one is generation 1)",
            error.Message);
        Assert.Equal(("generation", "2"), (error.Field, error.Value));
    }

    [Fact]
    public void Vm_show_names_each_device_s_kind_and_model()
    {
        var vm = DeviceIds.Assign(null, TestVms.KernelBoot() with
        {
            Boot = new BootSource { Disk = "scsi0:1" },
            IdeDrives = [TestVms.Disk(0, 0), new IdeDrive { Controller = 1, Media = DriveMedia.Dvd }],
            ScsiControllers = [new ScsiController { Disks = [TestVms.ScsiDisk(1) with { Cache = DiskCache.Direct }] }],
            NetworkAdapters =
            [
                new NetworkAdapter { Kind = NetworkAdapterKind.Legacy, MacAddress = TestVms.Mac(1) },
                new NetworkAdapter { Kind = NetworkAdapterKind.Legacy, Model = NicModel.E1000, MacAddress = TestVms.Mac(2), Switch = "user" },
                new NetworkAdapter { MacAddress = TestVms.Mac(3), Switch = "tap:nbtap0" },
            ],
        });
        // One line per device, so that a failure shows the line that differs.
        Assert.Equal([
            "IDE 0:0 | emulated | PIIX IDE (ide-hd) | /images/ide0-0.qcow2",
            "IDE 1:0 | emulated | PIIX IDE (ide-cd) | (empty)",
            "SCSI controller 0 | synthetic | virtio-scsi | 1 disk(s), 1 queue(s), own iothread",
            "SCSI 0:1 | synthetic | virtio-scsi (scsi-hd) | /images/scsi-1.raw, direct I/O, boot disk",
            "Network adapter nic0 (legacy) | emulated | DEC 21140 (tulip) | 52:54:00:00:00:01 not connected",
            "Network adapter nic1 (legacy) | emulated | Intel 82540EM (e1000) | 52:54:00:00:00:02 on user",
            "Network adapter nic2 (synthetic) | synthetic | virtio-net | 52:54:00:00:00:03 on tap:nbtap0",
            "Display | emulated | VGA (std, Bochs VBE) | VNC through the host service: web console, vm screenshot",
            "Keyboard and mouse | emulated | PS/2 (i8042) | relative mouse",
            "COM1 | emulated | 16550A UART | socket, logged",
            "Guest agent channel | synthetic | virtio-serial | org.qemu.guest_agent.0",
        ], VmDevices.Describe(vm).Select(d => $"{d.Name} | {d.Kind.ToString().ToLowerInvariant()} | {d.Model} | {d.Detail}"));
        Assert.Equal(("BIOS (SeaBIOS)", "i440fx (pc, not pinned yet)"), (VmDevices.Firmware(vm), VmDevices.Machine(vm)));
        var gen2 = TestVms.Generation2() with { Machine = "pc-q35-10.0" };
        Assert.Equal(("UEFI (OVMF), Secure Boot on", "q35 (pc-q35-10.0)"), (VmDevices.Firmware(gen2), VmDevices.Machine(gen2)));
        Assert.Equal("UEFI (OVMF), Secure Boot off", VmDevices.Firmware(gen2 with { SecureBoot = false }));
    }

    [Fact]
    public void A_generation_2_vm_shows_a_synthetic_display_and_an_absolute_pointer()
    {
        var shown = VmDevices.Describe(TestVms.Generation2())
            .Where(d => d.Name is "Display" or "Keyboard" or "Pointer" or "Keyboard and mouse")
            .Select(d => $"{d.Name} | {d.Kind.ToString().ToLowerInvariant()} | {d.Model} | {d.Detail}");
        Assert.Equal([
            "Display | synthetic | virtio-gpu | VNC through the host service: web console, vm screenshot",
            "Keyboard | emulated | PS/2 (i8042) | ",
            "Pointer | emulated | USB tablet (qemu-xhci) | absolute",
        ], shown);
    }
}
