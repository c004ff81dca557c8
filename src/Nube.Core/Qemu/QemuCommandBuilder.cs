using Nube.Core.Hosts;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// Turns a VM's configuration into QEMU's command line. Pure: it neither probes the host nor
/// touches files; the launcher checks <see cref="LaunchPlan.RequiredFiles"/> and runs the argv.
/// Expects a configuration that passed <see cref="Validation.VmValidator"/>.
/// </summary>
public static class QemuCommandBuilder
{
    public static LaunchPlan Build(VmConfig vm, QemuLaunchContext ctx)
    {
        var argv = new List<string> { ctx.QemuBinary };
        var required = new List<RequiredFile>();
        var templates = new List<FileFromTemplate>();
        AddIdentity(vm, argv);
        MachineArguments.Add(vm, ctx, argv, required, templates);
        AddProcessors(vm, ctx.Accelerator, argv);
        AddProcess(ctx, argv);
        AddChannels(ctx.Paths, argv);
        AddKernelBoot(vm.Boot, argv, required);
        var bootDisk = Generations.BootDisk(vm);
        DriveArguments.AddIde(vm.IdeDrives, bootDisk, argv, required);
        DriveArguments.AddScsi(vm.ScsiControllers, vm.ProcessorCount, bootDisk, argv, required);
        NetworkArguments.Add(vm.NetworkAdapters, vm.ProcessorCount, argv);
        DisplayArguments.Add(vm, ctx.Paths, argv);
        // Paused until nubed has its channels (no early console output lost), then cont; a
        // restore waits for its migration stream instead.
        argv.AddRange(ctx.Incoming ? ["-incoming", "defer"] : ["-S"]);
        return new LaunchPlan(argv, required, templates);
    }

    private static void AddIdentity(VmConfig vm, List<string> argv)
    {
        var id = vm.Id.ToString("D");
        // The name carries the id, not the display name, so that ps and QEMU's thread names stay ASCII and unique.
        argv.AddRange(["-name", $"nube-{id},debug-threads=on", "-uuid", id]);
    }

    private static void AddProcessors(VmConfig vm, Accelerator accelerator, List<string> argv)
    {
        argv.AddRange(accelerator == Accelerator.Kvm ? ["-accel", "kvm", "-cpu", "host"] : ["-accel", "tcg", "-cpu", "max"]);
        argv.AddRange(["-smp", $"{vm.ProcessorCount}", "-m", $"{vm.MemoryStartupMiB}"]);
        // Only the devices listed here: no default NIC, VGA, floppy or user config file. No
        // window either: the display is served over VNC (see DisplayArguments).
        argv.AddRange(["-nodefaults", "-no-user-config", "-display", "none"]);
    }

    private static void AddProcess(QemuLaunchContext ctx, List<string> argv)
    {
        argv.AddRange(["-sandbox", "on,obsolete=deny,resourcecontrol=deny"]);
        if (ctx.RunAsUser is not null)
            argv.AddRange(["-run-with", $"user={QemuOption.Escape(ctx.RunAsUser)}"]);
        // Daemonized so that the VM outlives the host service, which reattaches via pidfile and QMP.
        argv.AddRange(["-daemonize", "-pidfile", ctx.Paths.PidFile]);
    }

    /// <summary>
    /// QMP, the guest agent and COM1, each a socket QEMU serves. COM1 has no logfile: nubed reads
    /// the socket and keeps the log itself, capped, because the guest controls what it says.
    /// </summary>
    private static void AddChannels(VmRuntimePaths paths, List<string> argv)
    {
        argv.AddRange(["-chardev", $"socket,id=qmp,path={QemuOption.Escape(paths.QmpSocket)},server=on,wait=off",
            "-mon", "chardev=qmp,mode=control"]);
        argv.AddRange(["-chardev", $"socket,id=qga,path={QemuOption.Escape(paths.AgentSocket)},server=on,wait=off",
            "-device", "virtio-serial-pci,id=vserial0",
            "-device", "virtserialport,bus=vserial0.0,chardev=qga,name=org.qemu.guest_agent.0"]);
        argv.AddRange(["-chardev", $"socket,id=com1,path={QemuOption.Escape(paths.SerialSocket)},server=on,wait=off",
            "-serial", "chardev:com1"]);
    }

    // -kernel, -initrd and -append each take their whole argument verbatim: no comma escaping.
    private static void AddKernelBoot(BootSource boot, List<string> argv, List<RequiredFile> required)
    {
        if (boot.Kind != BootKind.Kernel)
            return;
        var kernel = boot.Kernel ?? throw new ArgumentException("boot.kernel: missing; boot kind 'kernel' needs a kernel image path");
        argv.AddRange(["-kernel", kernel]);
        required.Add(new("boot.kernel", kernel));
        if (boot.Initrd is not null)
        {
            argv.AddRange(["-initrd", boot.Initrd]);
            required.Add(new("boot.initrd", boot.Initrd));
        }
        if (!string.IsNullOrEmpty(boot.CommandLine))
            argv.AddRange(["-append", boot.CommandLine]);
    }
}
