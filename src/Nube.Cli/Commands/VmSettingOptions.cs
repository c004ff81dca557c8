using System.CommandLine;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary>The options of <c>vm new</c> and <c>vm set</c>, read into a settings document.</summary>
public sealed class VmSettingOptions
{
    private readonly Option<int?> cpus = new("--cpus") { Description = "Virtual processors" };
    private readonly Option<long?> memory = new("--memory") { Description = "Startup memory in MiB" };
    private readonly Option<int?> cpuReserve = new("--cpu-reserve") { Description = "Percent (0-100) of the VM's processors' capacity the host keeps for it; the running VMs' reserves fit the host's logical processors" };
    private readonly Option<int?> cpuLimit = new("--cpu-limit") { Description = "Percent (1-100) of the VM's processors' capacity it may use at most" };
    private readonly Option<int?> cpuWeight = new("--cpu-weight") { Description = "Relative weight against other VMs, 1-10000 (default 100)" };
    private readonly Option<string?> kernel = new("--kernel") { Description = "Boot this kernel directly (absolute path)" };
    private readonly Option<string?> initrd = new("--initrd") { Description = "Initial ramdisk for --kernel" };
    private readonly Option<string?> append = new("--append") { Description = "Kernel command line for --kernel" };
    private readonly Option<string?> bootDisk = new("--boot-disk") { Description = "Boot from this disk image, attached at --boot-from (default: IDE 0:0 on generation 1, SCSI 0:0 on generation 2)" };
    private readonly Option<string[]> scsiDisks = new("--scsi-disk") { Description = "Attach a disk image to synthetic SCSI controller 0 (repeatable)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string[]> nics = new("--nic") { Description = "Add a network adapter: legacy|synthetic[:MODEL][:SWITCH|user|tap:IFNAME][,vlan=ID][,bandwidth=MBIT_PER_S][,weight=1-100][,ip=ADDRESS...][,mac-spoofing|dhcp-guard|router-guard=on|off]; " +
        "MODEL tulip or e1000 (legacy), virtio-net (synthetic); SWITCH a virtual switch's name (repeatable); none: no adapter. " +
        "A new VM without --nic gets one synthetic adapter on the host's default switch" };
    private readonly Option<string?> name = new("--name") { Description = "Rename the VM" };
    private readonly Option<string?> dvd = new("--dvd") { Description = "A DVD drive with this ISO (IDE 1:0 on generation 1, SCSI on generation 2), booted first unless --kernel or --boot-disk says otherwise: an OS installer" };
    private readonly Option<string?> notes = new("--notes") { Description = "Free text about the VM" };
    private readonly Option<string?> startAction = new("--start-action") { Description = "When the host starts: nothing, startIfRunning, alwaysStart" };
    private readonly Option<int?> startDelay = new("--start-delay") { Description = "Seconds to wait before an automatic start" };
    private readonly Option<string?> stopAction = new("--stop-action") { Description = "When the host shuts down: save, turnOff, shutDown" };
    private readonly Option<string?> crashAction = new("--crash-action") { Description = "When QEMU dies: off, restart" };
    private readonly Option<int?> generation = new("--generation") { Description = "1 (BIOS, IDE boot; the default) or 2 (UEFI, SCSI boot, synthetic devices only)" };
    private readonly Option<string?> secureBoot = new("--secure-boot") { Description = "UEFI Secure Boot of a generation 2 VM: on (the default) or off" };
    private readonly Option<string?> machine = new("--machine") { Description = "The versioned machine type the VM is pinned to (pc-i440fx-10.0, pc-q35-10.0; a new VM gets this host's current one): set a newer one while it is off to upgrade its board" };
    private readonly Option<string?> processorModel = new("--processor-model")
    {
        Description = "compatible (a fixed x86-64-v2 processor with AES: moves and restores on any host; the default) or host (this host's own: fastest, " +
            "moves only to a host with the same processor, or the same QEMU under TCG); changed while the VM is off",
    };
    private readonly Option<string?> bootFrom = new("--boot-from") { Description = "Boot from the disk at this place: ide0:0, scsi0:1, ..." };
    private readonly Option<string?> diskCache = new("--disk-cache") { Description = "For the disks of this command: writeback (host page cache, the default) or direct (O_DIRECT)" };

    public static VmSettingOptions AddTo(Command command, bool forCreate)
    {
        var o = new VmSettingOptions();
        foreach (var option in new Option[] { o.cpus, o.cpuReserve, o.cpuLimit, o.cpuWeight, o.memory, o.kernel, o.initrd, o.append, o.bootDisk, o.scsiDisks, o.nics,
                     o.notes, o.startAction, o.startDelay, o.stopAction, o.crashAction, o.secureBoot, o.machine, o.processorModel, o.bootFrom, o.diskCache })
            command.Options.Add(option);
        command.Options.Add(forCreate ? o.generation : o.name);
        if (forCreate)
            command.Options.Add(o.dvd);
        return o;
    }

    public VmSettings Read(ParseResult p)
    {
        var kernelPath = Full(p.GetValue(kernel));
        var bootDiskPath = Full(p.GetValue(bootDisk));
        var from = p.GetValue(bootFrom);
        if (kernelPath is not null && (bootDiskPath is not null || from is not null))
            throw new CliException(ExitCodes.Usage, "--kernel and --boot-disk or --boot-from exclude each other: a VM boots one way.");
        var disks = DiskLayout.Place(bootDiskPath, from, p.GetValue(generation), p.GetValue(scsiDisks) ?? [], CacheWord(p.GetValue(diskCache)),
            Full(p.GetValue(dvd)));
        BootSettings? boot = kernelPath is not null
            ? new BootSettings { Kind = "kernel", Kernel = kernelPath, Initrd = Full(p.GetValue(initrd)), CommandLine = p.GetValue(append) }
            : bootDiskPath is not null || from is not null ? new BootSettings { Kind = "disk", Disk = from }
            : disks.Dvd is { } installer ? new BootSettings { Kind = "disk", Disk = installer } : null;
        return new VmSettings
        {
            Name = p.GetValue(name),
            Generation = p.GetValue(generation),
            SecureBoot = OnOff(p.GetValue(secureBoot)),
            Machine = p.GetValue(machine),
            ProcessorModel = p.GetValue(processorModel),
            ProcessorCount = p.GetValue(cpus),
            CpuReserve = p.GetValue(cpuReserve),
            CpuLimit = p.GetValue(cpuLimit),
            CpuWeight = p.GetValue(cpuWeight),
            MemoryStartupMiB = p.GetValue(memory),
            Boot = boot,
            IdeDrives = disks.Ide,
            ScsiControllers = disks.Scsi,
            // --nic none: no adapter at all, where no --nic on a new VM means one on the host's default switch.
            NetworkAdapters = p.GetValue(nics) is { Length: > 0 } n ? (n is ["none"] ? [] : n.Select(NicSpec.Parse).ToList()) : null,
            Notes = p.GetValue(notes),
            AutomaticStartAction = p.GetValue(startAction),
            AutomaticStartDelaySeconds = p.GetValue(startDelay),
            AutomaticStopAction = p.GetValue(stopAction),
            CrashAction = p.GetValue(crashAction),
        };
    }

    /// <summary>The service resolves nothing relative to the caller's folder: send absolute paths.</summary>
    internal static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);

    private static bool? OnOff(string? word) => word?.ToLowerInvariant() switch
    {
        null => null,
        "on" => true,
        "off" => false,
        _ => throw new CliException(ExitCodes.Usage, $"--secure-boot: '{word}' is not on or off."),
    };

    private static string? CacheWord(string? word) => word?.ToLowerInvariant() switch
    {
        null => null,
        "writeback" or "direct" => word.ToLowerInvariant(),
        _ => throw new CliException(ExitCodes.Usage, $"--disk-cache: '{word}' is not writeback or direct."),
    };
}
