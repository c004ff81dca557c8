using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Qemu;

/// <summary>What the goldens do not show at a glance: required files, derived paths, small rules.</summary>
public class QemuCommandBuilderTests
{
    private static readonly QemuLaunchContext Context = new(Accelerator.Tcg, new VmRuntimePaths("/run/nube/vms/x", "/var/lib/nube/vms/x"));

    [Fact]
    public void Runtime_paths_derive_from_the_two_folders()
    {
        var paths = new VmRuntimePaths("/run/nube/vms/x", "/var/lib/nube/vms/x");
        Assert.Equal(
            ["/run/nube/vms/x/qmp.sock", "/run/nube/vms/x/qga.sock", "/run/nube/vms/x/serial.sock", "/run/nube/vms/x/vnc.sock",
             "/run/nube/vms/x/screen", "/run/nube/vms/x/pid", "/var/lib/nube/vms/x/com1.log", "/var/lib/nube/vms/x/saved.state"],
            [paths.QmpSocket, paths.AgentSocket, paths.SerialSocket, paths.VncSocket, paths.ScreenDirectory, paths.PidFile,
             paths.SerialLog, paths.SavedState]);
    }

    [Fact]
    public void Required_files_name_the_field_of_each_kernel_initrd_and_image()
    {
        var vm = TestVms.KernelBoot() with
        {
            Boot = TestVms.KernelBoot().Boot with { Initrd = "/images/initrd" },
            IdeDrives = [new IdeDrive { Controller = 1, Media = DriveMedia.Dvd }, new IdeDrive { Controller = 1, Location = 1, Media = DriveMedia.Dvd, Path = "/iso/a.iso" }],
            ScsiControllers = [new ScsiController(), new ScsiController { Disks = [TestVms.ScsiDisk(7)] }],
        };
        Assert.Equal([
            new RequiredFile("boot.kernel", "/var/lib/nube/images/vmlinux"),
            new RequiredFile("boot.initrd", "/images/initrd"),
            new RequiredFile("ideDrives[1].path", "/iso/a.iso"),
            new RequiredFile("scsiControllers[1].disks[0].path", "/images/scsi-7.raw"),
        ], QemuCommandBuilder.Build(vm, Context).RequiredFiles);
    }

    [Fact]
    public void Disk_boot_needs_no_kernel_even_if_one_is_configured()
    {
        var vm = TestVms.KernelBoot() with { Boot = TestVms.KernelBoot().Boot with { Kind = BootKind.Disk }, IdeDrives = [TestVms.Disk(0, 0)] };
        var plan = QemuCommandBuilder.Build(vm, Context);
        Assert.DoesNotContain("-kernel", plan.Argv);
        Assert.Equal(["ideDrives[0].path"], plan.RequiredFiles.Select(f => f.Field));
        Assert.Contains("ide-hd,bus=ide.0,unit=0,drive=ide0-0,id=ide0-0,bootindex=0", plan.Argv);
    }

    [Fact]
    public void Kernel_boot_gives_no_disk_a_boot_index()
    {
        var plan = QemuCommandBuilder.Build(TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(0, 0)] }, Context);
        Assert.Contains("ide-hd,bus=ide.0,unit=0,drive=ide0-0,id=ide0-0", plan.Argv);
    }

    [Fact]
    public void An_empty_command_line_gives_no_append()
    {
        var vm = TestVms.KernelBoot() with { Boot = TestVms.KernelBoot().Boot with { CommandLine = "" } };
        Assert.DoesNotContain("-append", QemuCommandBuilder.Build(vm, Context).Argv);
    }

    [Fact]
    public void A_read_only_hard_disk_reaches_QEMU_read_only_rather_than_silently_writable()
    {
        var vm = TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(0, 0) with { ReadOnly = true }] };
        Assert.Contains("driver=qcow2,file=ide0-0-file,node-name=ide0-0,read-only=on", QemuCommandBuilder.Build(vm, Context).Argv);
    }

    [Fact]
    public void An_adapter_without_a_MAC_lets_QEMU_pick_one()
    {
        var vm = TestVms.KernelBoot() with { NetworkAdapters = [new NetworkAdapter()] };
        Assert.Contains("virtio-net-pci,rx_queue_size=1024,id=nic0", QemuCommandBuilder.Build(vm, Context).Argv);
    }

    [Fact]
    public void A_cold_start_is_launched_paused_and_a_restore_waits_for_its_stream()
    {
        var cold = QemuCommandBuilder.Build(TestVms.KernelBoot(), Context).Argv;
        Assert.Equal("-S", cold[^1]);
        Assert.DoesNotContain("-incoming", cold);
        var restore = QemuCommandBuilder.Build(TestVms.KernelBoot(), Context with { Incoming = true }).Argv;
        Assert.Equal(["-incoming", "defer"], restore.TakeLast(2));
        Assert.DoesNotContain("-S", restore);
    }

    [Fact]
    public void Kernel_boot_without_a_kernel_is_refused()
    {
        var vm = TestVms.KernelBoot() with { Boot = new BootSource { Kind = BootKind.Kernel } };
        var e = Assert.Throws<ArgumentException>(() => QemuCommandBuilder.Build(vm, Context));
        Assert.Equal("boot.kernel: missing; boot kind 'kernel' needs a kernel image path", e.Message);
    }

    [Fact]
    public void A_generation_2_VM_needs_the_firmware_and_gets_its_own_variables_per_Secure_Boot_mode()
    {
        var context = Context with { Uefi = UefiFirmware.Debian };
        var on = QemuCommandBuilder.Build(TestVms.Generation2(), context);
        Assert.Equal([
            new RequiredFile("firmware (Debian package ovmf)", "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"),
            new RequiredFile("firmware (Debian package ovmf)", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"),
            new RequiredFile("scsiControllers[0].disks[0].path", "/images/scsi-0.raw"),
        ], on.RequiredFiles);
        Assert.Equal([new FileFromTemplate("firmware variables", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", "/var/lib/nube/vms/x/uefi-vars.secureboot.fd")],
            on.FilesFromTemplates);
        var off = QemuCommandBuilder.Build(TestVms.Generation2() with { SecureBoot = false }, context);
        Assert.Equal([new FileFromTemplate("firmware variables", "/usr/share/OVMF/OVMF_VARS_4M.fd", "/var/lib/nube/vms/x/uefi-vars.fd")],
            off.FilesFromTemplates);
        Assert.DoesNotContain("driver=cfi.pflash01,property=secure,value=on", off.Argv);
        Assert.Empty(QemuCommandBuilder.Build(TestVms.KernelBoot(), context).FilesFromTemplates);
    }

    [Fact]
    public void A_generation_2_VM_without_firmware_facts_is_a_caller_error()
    {
        var e = Assert.Throws<ArgumentException>(() => QemuCommandBuilder.Build(TestVms.Generation2(), Context));
        Assert.StartsWith("The launch context has no UEFI firmware; a generation 2 VM needs it.", e.Message);
    }

    [Fact]
    public void A_TAP_of_a_one_vCPU_VM_has_one_queue_and_a_legacy_adapter_never_more()
    {
        var vm = TestVms.KernelBoot() with { NetworkAdapters = [new NetworkAdapter { Switch = "tap:t0" }] };
        Assert.Contains("tap,id=net0,ifname=t0,script=no,downscript=no", QemuCommandBuilder.Build(vm, Context).Argv);
        var legacy = TestVms.KernelBoot() with
        {
            ProcessorCount = 4,
            NetworkAdapters = [new NetworkAdapter { Kind = NetworkAdapterKind.Legacy, Switch = "tap:t0" }],
        };
        var argv = QemuCommandBuilder.Build(legacy, Context).Argv;
        Assert.Contains("tap,id=net0,ifname=t0,script=no,downscript=no", argv);
        Assert.Contains("tulip,netdev=net0,id=nic0", argv);
    }
}
