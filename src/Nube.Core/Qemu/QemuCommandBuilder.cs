using Nube.Core.Hosts;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// Turns a VM's configuration into QEMU's command line. Pure: it neither probes the host nor
/// touches files; the launcher opens <see cref="LaunchPlan.Descriptors"/>, checks
/// <see cref="LaunchPlan.RequiredFiles"/> and runs the argv. Expects a configuration that passed
/// <see cref="Validation.VmValidator"/>.
/// </summary>
public static class QemuCommandBuilder
{
    /// <summary>
    /// QEMU's seccomp filter with every optional class denied: it may not change its uid, spawn
    /// processes or change its scheduling. It drops nothing itself: it is started unprivileged.
    /// </summary>
    public const string Sandbox = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

    public static LaunchPlan Build(VmConfig vm, QemuLaunchContext ctx)
    {
        var argv = new List<string> { ctx.QemuBinary };
        var required = new List<RequiredFile>();
        var templates = new List<FileFromTemplate>();
        var fds = new Descriptors();
        AddIdentity(vm, argv);
        MachineArguments.Add(vm, ctx, argv, required, templates, fds);
        AddProcessors(vm, ctx.Accelerator, argv);
        argv.AddRange(["-sandbox", Sandbox]);
        AddChannels(ctx.Paths, argv, fds);
        AddKernelBoot(vm.Boot, argv, required);
        var drives = new DriveArguments(argv, fds, ctx.Backing);
        drives.AddIde(vm);
        drives.AddScsi(vm);
        var ports = NetworkArguments.Add(vm, argv, fds);
        DisplayArguments.Add(vm, argv);
        // Paused until nubed has its channels (no early console output lost), then cont; a
        // restore or a move waits for its stream, and stays paused after it: a move resumes the
        // guest only once this host owns it.
        argv.AddRange(ctx.Incoming ? ["-S", "-incoming", "defer"] : ["-S"]);
        int? restore = null;
        if (ctx.Incoming && ctx.RestoreFrom is { } saved)
            restore = fds.Pass(DescriptorKind.ReadOnlyFile, "saved state", saved);
        if (restore is { } set)
            argv.AddRange(["-add-fd", $"fd={set},set={set}"]);
        return new LaunchPlan(argv, required, templates, fds.All, restore, ResourceLimits.For(vm, ctx.Accelerator), fds.Nodes) { Ports = ports };
    }

    private static void AddIdentity(VmConfig vm, List<string> argv)
    {
        var id = vm.Id.ToString("D");
        // The name carries the id, not the display name, so that ps and QEMU's thread names stay ASCII and unique.
        argv.AddRange(["-name", $"nube-{id},debug-threads=on", "-uuid", id]);
    }

    /// <summary>x86-64-v2 with AES on QEMU's own base model; <c>enforce</c>: a host that cannot give every feature refuses to start the VM.</summary>
    public const string CompatibleCpu = "qemu64,+aes,+pclmulqdq,+popcnt,+pni,+sse4.1,+sse4.2,+ssse3,+cx16,+lahf_lm,enforce";

    private static void AddProcessors(VmConfig vm, Accelerator accelerator, List<string> argv)
    {
        argv.AddRange(["-accel", accelerator == Accelerator.Kvm ? "kvm" : "tcg", "-cpu", vm.Processor == ProcessorModel.Compatible ? CompatibleCpu
            : accelerator == Accelerator.Kvm ? "host" : "max"]);
        argv.AddRange(["-smp", $"{vm.ProcessorCount}", "-m", $"{vm.MemoryStartupMiB}"]);
        // Only the devices listed here: no default NIC, VGA, floppy or user config file. No
        // window either: the display is served over VNC (see DisplayArguments).
        argv.AddRange(["-nodefaults", "-no-user-config", "-display", "none"]);
    }

    /// <summary>
    /// QMP, the guest agent and COM1, each a socket that nubed makes in the VM's runtime folder
    /// (root's alone) and hands QEMU listening: QEMU needs no folder it can write. COM1 has no
    /// logfile: nubed reads the socket and keeps the log itself, capped, because the guest
    /// controls what it says.
    /// </summary>
    private static void AddChannels(VmRuntimePaths paths, List<string> argv, Descriptors fds)
    {
        var qmp = fds.Pass(DescriptorKind.ListeningSocket, "QMP socket", paths.QmpSocket);
        argv.AddRange(["-chardev", $"socket,id=qmp,fd={qmp},server=on,wait=off", "-mon", "chardev=qmp,mode=control"]);
        var qga = fds.Pass(DescriptorKind.ListeningSocket, "guest agent socket", paths.AgentSocket);
        argv.AddRange(["-chardev", $"socket,id=qga,fd={qga},server=on,wait=off",
            "-device", "virtio-serial-pci,id=vserial0",
            "-device", "virtserialport,bus=vserial0.0,chardev=qga,name=org.qemu.guest_agent.0"]);
        var com1 = fds.Pass(DescriptorKind.ListeningSocket, "COM1 socket", paths.SerialSocket);
        argv.AddRange(["-chardev", $"socket,id=com1,fd={com1},server=on,wait=off", "-serial", "chardev:com1"]);
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
