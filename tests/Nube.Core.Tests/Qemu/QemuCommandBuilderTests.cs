using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Qemu;

/// <summary>What the goldens do not show at a glance: required files, derived paths, small rules.</summary>
public class QemuCommandBuilderTests
{
    private static readonly QemuLaunchContext Context = new(Accelerator.Tcg, new VmRuntimePaths("/run/nube/vms/x", "/var/lib/nube/vms/x"));

    /// <summary>Builds with the ids the devices had before they had ids of their own (the goldens show the others).</summary>
    private static LaunchPlan Build(VmConfig vm, QemuLaunchContext context) => QemuCommandBuilder.Build(DeviceIds.FromPositions(vm), context);

    [Fact]
    public void The_processor_is_the_pinned_compatible_one_under_either_accelerator_or_the_hosts_own()
    {
        string Cpu(ProcessorModel? model, Accelerator accelerator)
        {
            var argv = Build(TestVms.KernelBoot() with { Processor = model }, Context with { Accelerator = accelerator }).Argv;
            return argv[argv.ToList().IndexOf("-cpu") + 1];
        }
        const string compatible = "qemu64,+aes,+pclmulqdq,+popcnt,+pni,+sse4.1,+sse4.2,+ssse3,+cx16,+lahf_lm,enforce";
        Assert.Equal([compatible, compatible, "host", "max", "host", "max"], [
            Cpu(ProcessorModel.Compatible, Accelerator.Kvm), Cpu(ProcessorModel.Compatible, Accelerator.Tcg),
            Cpu(ProcessorModel.Host, Accelerator.Kvm), Cpu(ProcessorModel.Host, Accelerator.Tcg),
            Cpu(null, Accelerator.Kvm), Cpu(null, Accelerator.Tcg)]);
    }

    [Fact]
    public void Runtime_paths_derive_from_the_two_folders()
    {
        var paths = new VmRuntimePaths("/run/nube/vms/x", "/var/lib/nube/vms/x");
        Assert.Equal(
            ["/run/nube/vms/x/qmp.sock", "/run/nube/vms/x/qga.sock", "/run/nube/vms/x/serial.sock",
             "/run/nube/vms/x/pid", "/var/lib/nube/vms/x/com1.log", "/var/lib/nube/vms/x/saved.state"],
            [paths.QmpSocket, paths.AgentSocket, paths.SerialSocket, paths.PidFile, paths.SerialLog, paths.SavedState]);
    }

    [Fact]
    public void QEMU_reads_only_the_kernel_and_initrd_by_path_and_gets_every_image_and_socket_as_a_descriptor()
    {
        var vm = TestVms.KernelBoot() with
        {
            Boot = TestVms.KernelBoot().Boot with { Initrd = "/images/initrd" },
            IdeDrives = [new IdeDrive { Controller = 1, Media = DriveMedia.Dvd }, new IdeDrive { Controller = 1, Location = 1, Media = DriveMedia.Dvd, Path = "/iso/a.iso" }],
            ScsiControllers = [new ScsiController(), new ScsiController { Disks = [TestVms.ScsiDisk(7)] }],
        };
        var plan = Build(vm, Context);
        Assert.Equal([
            new RequiredFile("boot.kernel", "/var/lib/nube/images/vmlinux"),
            new RequiredFile("boot.initrd", "/images/initrd"),
        ], plan.RequiredFiles);
        Assert.Equal([
            new PassedDescriptor(3, DescriptorKind.ListeningSocket, "QMP socket", "/run/nube/vms/x/qmp.sock"),
            new PassedDescriptor(4, DescriptorKind.ListeningSocket, "guest agent socket", "/run/nube/vms/x/qga.sock"),
            new PassedDescriptor(5, DescriptorKind.ListeningSocket, "COM1 socket", "/run/nube/vms/x/serial.sock"),
            new PassedDescriptor(6, DescriptorKind.ReadOnlyFile, "ideDrives[1].path", "/iso/a.iso"),
            new PassedDescriptor(7, DescriptorKind.ReadWriteFile, "scsiControllers[1].disks[0].path", "/images/scsi-7.raw"),
        ], plan.Descriptors);
        Assert.Contains("{\"driver\":\"file\",\"filename\":\"/dev/fdset/7\",\"node-name\":\"scsi1-7-file\"}", plan.Argv);
        Assert.Null(plan.RestoreFdSet);
    }

    [Fact]
    public void QEMU_runs_under_its_whole_sandbox_and_neither_daemonizes_nor_drops_privileges_itself()
    {
        var argv = Build(TestVms.KernelBoot(), Context).Argv;
        Assert.Equal("on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny", argv[argv.ToList().IndexOf("-sandbox") + 1]);
        Assert.DoesNotContain("-daemonize", argv);
        Assert.DoesNotContain("-run-with", argv);
        Assert.DoesNotContain("-pidfile", argv);
        Assert.DoesNotContain(argv, a => a.Contains("path=", StringComparison.Ordinal));
    }

    [Fact]
    public void A_backing_chain_becomes_explicit_read_only_nodes_the_last_with_no_backing()
    {
        var disk = TestVms.ScsiDisk(0) with { Path = "/images/top.qcow2", Format = DiskFormat.Qcow2 };
        var vm = TestVms.KernelBoot() with { ScsiControllers = [new ScsiController { Disks = [disk] }] };
        var chains = System.Collections.Immutable.ImmutableDictionary<string, System.Collections.Immutable.ImmutableArray<BackingImage>>.Empty
            .Add("/images/top.qcow2", [new BackingImage("/images/middle.qcow2", DiskFormat.Qcow2), new BackingImage("/images/base.raw", DiskFormat.Raw)]);
        var plan = Build(vm, Context with { Backing = chains });
        var nodes = plan.Argv.Where(a => a.StartsWith("{\"driver\":", StringComparison.Ordinal) && a.Contains("\"node-name\"", StringComparison.Ordinal)
            && !a.StartsWith("{\"driver\":\"file\"", StringComparison.Ordinal));
        Assert.Equal([
            "{\"driver\":\"raw\",\"file\":\"scsi0-0-b2-file\",\"node-name\":\"scsi0-0-b2\",\"read-only\":true}",
            "{\"driver\":\"qcow2\",\"file\":\"scsi0-0-b1-file\",\"node-name\":\"scsi0-0-b1\",\"read-only\":true,\"backing\":\"scsi0-0-b2\"}",
            "{\"driver\":\"qcow2\",\"file\":\"scsi0-0-file\",\"node-name\":\"scsi0-0\",\"backing\":\"scsi0-0-b1\"}",
        ], nodes);
        Assert.Equal([
            (DescriptorKind.ReadOnlyFile, "/images/base.raw"), (DescriptorKind.ReadOnlyFile, "/images/middle.qcow2"),
            (DescriptorKind.ReadWriteFile, "/images/top.qcow2"),
        ], plan.Descriptors.Skip(3).Select(d => (d.Kind, d.Target)));
        var alone = Build(vm, Context).Argv;
        Assert.Contains("{\"driver\":\"qcow2\",\"file\":\"scsi0-0-file\",\"node-name\":\"scsi0-0\",\"backing\":null}", alone);
    }

    [Fact]
    public void A_multi_queue_TAP_is_one_descriptor_per_queue()
    {
        var vm = TestVms.KernelBoot() with { ProcessorCount = 2, NetworkAdapters = [new NetworkAdapter { Switch = "tap:nbtap0" }] };
        var plan = Build(vm, Context);
        var queues = plan.Descriptors.Where(d => d.Target == "nbtap0").ToList();
        Assert.Equal([DescriptorKind.TapQueue, DescriptorKind.TapQueue], queues.Select(d => d.Kind));
        Assert.Contains($"{{\"type\":\"tap\",\"id\":\"net0\",\"fds\":\"{queues[0].Fd}:{queues[1].Fd}\"}}", plan.Argv);
    }

    [Fact]
    public void Disk_boot_needs_no_kernel_even_if_one_is_configured()
    {
        var vm = TestVms.KernelBoot() with { Boot = TestVms.KernelBoot().Boot with { Kind = BootKind.Disk }, IdeDrives = [TestVms.Disk(0, 0)] };
        var plan = Build(vm, Context);
        Assert.DoesNotContain("-kernel", plan.Argv);
        Assert.Empty(plan.RequiredFiles);
        Assert.Contains(plan.Descriptors, d => d.Field == "ideDrives[0].path");
        Assert.Contains("{\"driver\":\"ide-hd\",\"bus\":\"ide.0\",\"unit\":0,\"drive\":\"ide0-0\",\"id\":\"ide0-0\",\"werror\":\"stop\",\"rerror\":\"report\",\"bootindex\":0}", plan.Argv);
    }

    [Fact]
    public void Kernel_boot_gives_no_disk_a_boot_index()
    {
        var plan = Build(TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(0, 0)] }, Context);
        Assert.Contains("{\"driver\":\"ide-hd\",\"bus\":\"ide.0\",\"unit\":0,\"drive\":\"ide0-0\",\"id\":\"ide0-0\",\"werror\":\"stop\",\"rerror\":\"report\"}", plan.Argv);
    }

    [Fact]
    public void An_empty_command_line_gives_no_append()
    {
        var vm = TestVms.KernelBoot() with { Boot = TestVms.KernelBoot().Boot with { CommandLine = "" } };
        Assert.DoesNotContain("-append", Build(vm, Context).Argv);
    }

    [Fact]
    public void A_read_only_hard_disk_reaches_QEMU_read_only_rather_than_silently_writable()
    {
        var vm = TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(0, 0) with { ReadOnly = true }] };
        Assert.Contains("{\"driver\":\"qcow2\",\"file\":\"ide0-0-file\",\"node-name\":\"ide0-0\",\"read-only\":true,\"backing\":null}", Build(vm, Context).Argv);
    }

    [Fact]
    public void An_adapter_without_a_MAC_lets_QEMU_pick_one()
    {
        var vm = TestVms.KernelBoot() with { NetworkAdapters = [new NetworkAdapter()] };
        Assert.Contains("{\"driver\":\"virtio-net-pci\",\"id\":\"nic0\",\"netdev\":\"net0\",\"bus\":\"pci.0\",\"addr\":\"0x8\",\"rx_queue_size\":1024}",
            Build(vm, Context).Argv);
    }

    [Fact]
    public void A_cold_start_is_launched_paused_and_a_restore_waits_for_its_stream()
    {
        var cold = Build(TestVms.KernelBoot(), Context).Argv;
        Assert.Equal("-S", cold[^1]);
        Assert.DoesNotContain("-incoming", cold);
        var restore = Build(TestVms.KernelBoot(), Context with { Incoming = true }).Argv;
        // Paused after its stream too: a move resumes the guest only once the host owns it.
        Assert.Equal(["-S", "-incoming", "defer"], restore.TakeLast(3));
        var saved = Build(TestVms.KernelBoot(), Context with { Incoming = true, RestoreFrom = "/var/lib/nube/vms/x/saved.state" });
        Assert.Equal(6, saved.RestoreFdSet);
        Assert.Equal(["-S", "-incoming", "defer", "-add-fd", "fd=6,set=6"], saved.Argv.TakeLast(5));
        Assert.Contains(new PassedDescriptor(6, DescriptorKind.ReadOnlyFile, "saved state", "/var/lib/nube/vms/x/saved.state"), saved.Descriptors);
    }

    [Fact]
    public void Kernel_boot_without_a_kernel_is_refused()
    {
        var vm = TestVms.KernelBoot() with { Boot = new BootSource { Kind = BootKind.Kernel } };
        var e = Assert.Throws<ArgumentException>(() => Build(vm, Context));
        Assert.Equal("boot.kernel: missing; boot kind 'kernel' needs a kernel image path", e.Message);
    }

    [Fact]
    public void A_generation_2_VM_needs_the_firmware_and_gets_its_own_variables_per_Secure_Boot_mode()
    {
        var context = Context with { Uefi = UefiFirmware.Debian };
        var on = Build(TestVms.Generation2(), context);
        Assert.Equal([new RequiredFile("firmware (Debian package ovmf)", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd")], on.RequiredFiles);
        Assert.Equal([
            (DescriptorKind.ReadOnlyFile, "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"),
            (DescriptorKind.ReadWriteFile, "/var/lib/nube/vms/x/uefi-vars.secureboot.fd"),
        ], on.Descriptors.Take(2).Select(d => (d.Kind, d.Target)));
        Assert.Equal([new FileFromTemplate("firmware variables", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", "/var/lib/nube/vms/x/uefi-vars.secureboot.fd")],
            on.FilesFromTemplates);
        var off = Build(TestVms.Generation2() with { SecureBoot = false }, context);
        Assert.Equal([new FileFromTemplate("firmware variables", "/usr/share/OVMF/OVMF_VARS_4M.fd", "/var/lib/nube/vms/x/uefi-vars.fd")],
            off.FilesFromTemplates);
        Assert.DoesNotContain("driver=cfi.pflash01,property=secure,value=on", off.Argv);
        Assert.Empty(Build(TestVms.KernelBoot(), context).FilesFromTemplates);
    }

    [Fact]
    public void A_generation_2_VM_without_firmware_facts_is_a_caller_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Build(TestVms.Generation2(), Context));
        Assert.StartsWith("The launch context has no UEFI firmware; a generation 2 VM needs it.", e.Message);
    }

    [Fact]
    public void A_TAP_of_a_one_vCPU_VM_has_one_queue_and_a_legacy_adapter_never_more()
    {
        var vm = TestVms.KernelBoot() with { NetworkAdapters = [new NetworkAdapter { Switch = "tap:t0" }] };
        var plan = Build(vm, Context);
        var tap = Assert.Single(plan.Descriptors, d => d.Target == "t0");
        Assert.Equal(DescriptorKind.Tap, tap.Kind);
        Assert.Contains($"{{\"type\":\"tap\",\"id\":\"net0\",\"fd\":\"{tap.Fd}\"}}", plan.Argv);
        var legacy = TestVms.KernelBoot() with
        {
            ProcessorCount = 4,
            NetworkAdapters = [new NetworkAdapter { Kind = NetworkAdapterKind.Legacy, Switch = "tap:t0" }],
        };
        var argv = Build(legacy, Context).Argv;
        Assert.Contains(argv, a => a.StartsWith("{\"type\":\"tap\",\"id\":\"net0\",\"fd\":", StringComparison.Ordinal));
        Assert.Contains("{\"driver\":\"tulip\",\"id\":\"nic0\",\"netdev\":\"net0\",\"bus\":\"pci.0\",\"addr\":\"0x8\"}", argv);
    }
}
