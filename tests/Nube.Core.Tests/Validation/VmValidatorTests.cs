using Nube.Core.Validation;
using Nube.Core.Vms;
using EditionCatalogue = Nube.Core.Editions.Editions;

namespace Nube.Core.Tests.Validation;

/// <summary>The rules that do not depend on the edition, each with its whole message.</summary>
public class VmValidatorTests
{
    private static IReadOnlyList<ValidationError> Validate(VmConfig vm, params string[] otherNames) =>
        VmValidator.Validate(DeviceIds.FromPositions(vm), EditionCatalogue.Nube, otherNames, ["lan"]);

    private static string Single(VmConfig vm, params string[] otherNames) =>
        Assert.Single(Validate(vm, otherNames)).Message;

    [Fact]
    public void A_valid_VM_has_no_errors()
    {
        Assert.Empty(Validate(TestVms.KernelBoot(), "db", "mail"));
    }

    [Fact]
    public void Several_problems_come_back_at_once()
    {
        var vm = TestVms.KernelBoot() with
        {
            Name = "",
            ProcessorCount = 0,
            MemoryStartupMiB = 513,
            IdeDrives = [TestVms.Disk(0, 0), TestVms.Disk(0, 0) with { Path = "disk.img" }],
            NetworkAdapters = [new NetworkAdapter { MacAddress = "01:02:03:04:05:06" }],
            Notes = new string('n', 4097),
        };
        var errors = Validate(vm);
        Assert.Equal([
            "name: '' is empty; a VM name needs 1 to 100 characters",
            "processorCount: 0 is below the minimum of 1 vCPU",
            "memoryStartupMiB: 513 is not a multiple of 2 MiB",
            "ideDrives[1].location: 0 on IDE controller 0 is already taken by ideDrives[0]",
            "ideDrives[1].path: 'disk.img' is not an absolute path",
            "networkAdapters[0].macAddress: '01:02:03:04:05:06' is a multicast address; the first octet's lowest bit must be 0",
            "notes: 4097 characters exceed the limit of 4096 characters",
        ], errors.Select(e => e.Message));
        Assert.Equal(["name", "processorCount", "memoryStartupMiB", "ideDrives[1].location", "ideDrives[1].path",
            "networkAdapters[0].macAddress", "notes"], errors.Select(e => e.Field));
        Assert.Equal(["", "0", "513", "0", "disk.img", "01:02:03:04:05:06", "4097 characters"], errors.Select(e => e.Value));
    }

    [Fact]
    public void The_exception_joins_all_messages_with_newlines()
    {
        var e = new ValidationException(Validate(TestVms.KernelBoot() with { Name = "", ProcessorCount = 0 }));
        Assert.Equal("name: '' is empty; a VM name needs 1 to 100 characters\nprocessorCount: 0 is below the minimum of 1 vCPU", e.Message);
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void A_name_of_100_characters_is_fine_and_101_is_too_long()
    {
        Assert.Empty(Validate(TestVms.KernelBoot() with { Name = new string('a', 100) }));
        var name = new string('a', 101);
        Assert.Equal($"name: '{name}' has 101 characters; a VM name needs 1 to 100 characters",
            Single(TestVms.KernelBoot() with { Name = name }));
    }

    [Fact]
    public void A_name_with_a_control_character_is_refused_and_shown_escaped()
    {
        Assert.Equal(@"name: 'web\u000A1' contains a control character; a VM name must be printable",
            Single(TestVms.KernelBoot() with { Name = "web\n1" }));
    }

    [Fact]
    public void A_name_used_by_another_VM_is_refused_ignoring_case()
    {
        Assert.Equal("name: 'web' is already the name of another VM ('Web')",
            Single(TestVms.KernelBoot(), "db", "Web"));
    }

    [Fact]
    public void Only_the_current_schema_version_is_validated()
    {
        Assert.Equal("schemaVersion: 3 is not supported; this version of Nube reads schema version 2",
            Single(TestVms.KernelBoot() with { SchemaVersion = 3 }));
    }

    [Fact]
    public void Generations_1_and_2_exist()
    {
        Assert.Equal("generation: 3 is not supported; Nube offers generation 1 (BIOS, IDE boot, emulated and synthetic devices) " +
            "and 2 (UEFI, SCSI boot, synthetic devices)",
            Single(TestVms.KernelBoot() with { Generation = 3 }));
        Assert.Empty(Validate(TestVms.Generation2()));
    }

    [Fact]
    public void Memory_below_32_MiB_is_refused()
    {
        Assert.Empty(Validate(TestVms.KernelBoot() with { MemoryStartupMiB = 32 }));
        Assert.Equal("memoryStartupMiB: 30 is below the minimum of 32 MiB",
            Single(TestVms.KernelBoot() with { MemoryStartupMiB = 30 }));
    }

    [Fact]
    public void Kernel_boot_needs_a_kernel()
    {
        var vm = TestVms.KernelBoot() with { Boot = new BootSource { Kind = BootKind.Kernel } };
        Assert.Equal("boot.kernel: missing; boot kind 'kernel' needs a kernel image path", Single(vm));
    }

    [Theory]
    [InlineData("vmlinux", "boot.kernel: 'vmlinux' is not an absolute path")]
    [InlineData("", "boot.kernel: '' is not an absolute path")]
    [InlineData("/images/vm\tlinux", @"boot.kernel: '/images/vm\u0009linux' contains a control character")]
    public void The_kernel_path_must_be_absolute_and_printable(string kernel, string message)
    {
        var vm = TestVms.KernelBoot() with { Boot = new BootSource { Kind = BootKind.Kernel, Kernel = kernel } };
        Assert.Equal(message, Single(vm));
    }

    [Fact]
    public void The_initrd_path_must_be_absolute()
    {
        var vm = TestVms.KernelBoot() with { Boot = TestVms.KernelBoot().Boot with { Initrd = "initrd.img" } };
        Assert.Equal("boot.initrd: 'initrd.img' is not an absolute path", Single(vm));
    }

    [Fact]
    public void Commas_in_paths_are_allowed()
    {
        var vm = TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(0, 0) with { Path = "/images/a,b.qcow2" }] };
        Assert.Empty(Validate(vm));
    }

    [Fact]
    public void Disk_boot_needs_a_hard_disk_at_IDE_0_0()
    {
        var disk = TestVms.KernelBoot() with { Boot = new BootSource { Kind = BootKind.Disk }, IdeDrives = [TestVms.Disk(0, 0)] };
        Assert.Empty(Validate(disk));
        var dvd = disk with { IdeDrives = [new IdeDrive { Media = DriveMedia.Dvd, Path = "/images/setup.iso" }, TestVms.Disk(0, 1)] };
        Assert.Equal("boot.kind: 'disk' needs a hard disk at IDE controller 0, location 0", Single(dvd));
    }

    [Theory]
    [InlineData(2, "ideDrives[0].location: 2 is outside the IDE locations 0 to 1")]
    [InlineData(-1, "ideDrives[0].location: -1 is outside the IDE locations 0 to 1")]
    public void IDE_locations_are_0_and_1(int location, string message)
    {
        Assert.Equal(message, Single(TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(0, location)] }));
    }

    [Fact]
    public void An_IDE_hard_disk_needs_a_path_and_an_empty_DVD_drive_does_not()
    {
        Assert.Empty(Validate(TestVms.KernelBoot() with { IdeDrives = [new IdeDrive { Controller = 1, Media = DriveMedia.Dvd }] }));
        Assert.Equal("ideDrives[0].path: missing; a hard disk drive needs an image path",
            Single(TestVms.KernelBoot() with { IdeDrives = [new IdeDrive { Controller = 1 }] }));
    }

    [Fact]
    public void An_IDE_hard_disk_cannot_be_read_only()
    {
        Assert.Empty(Validate(TestVms.KernelBoot() with { IdeDrives = [new IdeDrive { Media = DriveMedia.Dvd, Path = "/i.iso", ReadOnly = true }] }));
        Assert.Equal("ideDrives[0].readOnly: true is not possible for an IDE hard disk; use a DVD drive or a SCSI disk for read-only media",
            Single(TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(0, 0) with { ReadOnly = true }] }));
    }

    [Fact]
    public void Two_disks_at_one_SCSI_target_are_refused()
    {
        var vm = TestVms.KernelBoot() with
        {
            ScsiControllers = [new ScsiController(), new ScsiController { Disks = [TestVms.ScsiDisk(3), TestVms.ScsiDisk(5), TestVms.ScsiDisk(3)] }],
        };
        Assert.Equal("scsiControllers[1].disks[2].location: 3 is already taken by scsiControllers[1].disks[0]", Single(vm));
    }

    [Fact]
    public void The_same_target_on_two_SCSI_controllers_is_fine()
    {
        Assert.Empty(Validate(TestVms.KernelBoot() with { ScsiControllers = TestVms.ScsiControllers(2, 1) }));
    }

    [Fact]
    public void A_negative_SCSI_target_is_refused()
    {
        var vm = TestVms.KernelBoot() with { ScsiControllers = [new ScsiController { Disks = [TestVms.ScsiDisk(-1)] }] };
        Assert.Equal("scsiControllers[0].disks[0].location: -1 is outside the SCSI targets 0 to 255 of edition 'nube'", Single(vm));
    }

    [Fact]
    public void A_SCSI_disk_path_must_be_absolute()
    {
        var vm = TestVms.KernelBoot() with { ScsiControllers = [new ScsiController { Disks = [TestVms.ScsiDisk(0) with { Path = "data.raw" }] }] };
        Assert.Equal("scsiControllers[0].disks[0].path: 'data.raw' is not an absolute path", Single(vm));
    }

    [Theory]
    [InlineData("52-54-00-00-00-01", "networkAdapters[0].macAddress: '52-54-00-00-00-01' is not a MAC address of the form xx:xx:xx:xx:xx:xx (hexadecimal)")]
    [InlineData("52:54:00:00:01", "networkAdapters[0].macAddress: '52:54:00:00:01' is not a MAC address of the form xx:xx:xx:xx:xx:xx (hexadecimal)")]
    [InlineData("52:54:00:00:00:0g", "networkAdapters[0].macAddress: '52:54:00:00:00:0g' is not a MAC address of the form xx:xx:xx:xx:xx:xx (hexadecimal)")]
    [InlineData("52:54:00:00:00:1", "networkAdapters[0].macAddress: '52:54:00:00:00:1' is not a MAC address of the form xx:xx:xx:xx:xx:xx (hexadecimal)")]
    [InlineData("ff:ff:ff:ff:ff:ff", "networkAdapters[0].macAddress: 'ff:ff:ff:ff:ff:ff' is a multicast address; the first octet's lowest bit must be 0")]
    [InlineData("00:00:00:00:00:00", "networkAdapters[0].macAddress: '00:00:00:00:00:00' is all zeros")]
    public void A_MAC_must_be_a_unicast_address_in_colon_form(string mac, string message)
    {
        Assert.Equal(message, Single(TestVms.KernelBoot() with { NetworkAdapters = [new NetworkAdapter { MacAddress = mac }] }));
    }

    [Fact]
    public void Upper_case_MACs_are_fine_and_a_missing_MAC_is_left_to_the_host()
    {
        var vm = TestVms.KernelBoot() with { NetworkAdapters = [new NetworkAdapter { MacAddress = "52:54:00:AB:CD:EF" }, new NetworkAdapter()] };
        Assert.Empty(Validate(vm));
    }

    [Fact]
    public void Two_adapters_with_one_MAC_are_refused_ignoring_case()
    {
        var vm = TestVms.KernelBoot() with
        {
            NetworkAdapters = [new NetworkAdapter { MacAddress = "52:54:00:ab:cd:ef" }, new NetworkAdapter { Kind = NetworkAdapterKind.Legacy, MacAddress = "52:54:00:AB:CD:EF" }],
        };
        Assert.Equal("networkAdapters[1].macAddress: '52:54:00:AB:CD:EF' is already used by networkAdapters[0]", Single(vm));
    }

    [Fact]
    public void An_adapter_connects_to_a_switch_of_the_host_user_mode_or_nothing()
    {
        Assert.Empty(Validate(TestVms.KernelBoot() with
        {
            NetworkAdapters = [new NetworkAdapter { Switch = "user" }, new NetworkAdapter(), new NetworkAdapter { Switch = "LAN" }],
        }));
        Assert.Equal("networkAdapters[0].switch: 'dmz' is not a switch of this host (it has 'lan'); an adapter connects to a switch by its name, " +
            "to 'user' (QEMU's user-mode NAT), to 'tap:IFNAME' (an existing TAP device) or to nothing (null)",
            Single(TestVms.KernelBoot() with { NetworkAdapters = [new NetworkAdapter { Switch = "dmz" }] }));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(86401)]
    public void The_automatic_start_delay_is_0_to_a_day(int seconds)
    {
        Assert.Equal($"automaticStartDelaySeconds: {seconds} is outside the range 0 to 86400 seconds",
            Single(TestVms.KernelBoot() with { AutomaticStartDelaySeconds = seconds }));
    }

    [Fact]
    public void A_day_of_automatic_start_delay_is_fine()
    {
        Assert.Empty(Validate(TestVms.KernelBoot() with { AutomaticStartDelaySeconds = 86400 }));
    }

    [Fact]
    public void Notes_of_4096_characters_are_fine()
    {
        Assert.Empty(Validate(TestVms.KernelBoot() with { Notes = new string('n', 4096) }));
    }

    [Fact]
    public void A_SCSI_hard_disk_needs_a_path_and_an_empty_SCSI_DVD_drive_does_not()
    {
        var vm = TestVms.KernelBoot() with
        {
            ScsiControllers = [new ScsiController { Disks = [new ScsiDisk { Location = 0 }, new ScsiDisk { Location = 1, Media = DriveMedia.Dvd }] }],
        };
        Assert.Equal("scsiControllers[0].disks[0].path: missing; a hard disk needs an image path", Single(vm));
    }
}
