using System.CommandLine;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary>The options of <c>vm new</c> and <c>vm set</c>, read into a settings document.</summary>
public sealed class VmSettingOptions
{
    private readonly Option<int?> cpus = new("--cpus") { Description = "Virtual processors" };
    private readonly Option<long?> memory = new("--memory") { Description = "Startup memory in MiB" };
    private readonly Option<string?> kernel = new("--kernel") { Description = "Boot this kernel directly (absolute path)" };
    private readonly Option<string?> initrd = new("--initrd") { Description = "Initial ramdisk for --kernel" };
    private readonly Option<string?> append = new("--append") { Description = "Kernel command line for --kernel" };
    private readonly Option<string?> bootDisk = new("--boot-disk") { Description = "Boot from this disk image, attached at IDE 0:0" };
    private readonly Option<string[]> scsiDisks = new("--scsi-disk") { Description = "Attach a disk image to synthetic SCSI controller 0 (repeatable)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string[]> nics = new("--nic") { Description = "Add a network adapter: legacy|synthetic[:user] (repeatable)" };
    private readonly Option<string?> name = new("--name") { Description = "Rename the VM" };
    private readonly Option<string?> notes = new("--notes") { Description = "Free text about the VM" };
    private readonly Option<string?> startAction = new("--start-action") { Description = "When the host starts: nothing, startIfRunning, alwaysStart" };
    private readonly Option<int?> startDelay = new("--start-delay") { Description = "Seconds to wait before an automatic start" };
    private readonly Option<string?> stopAction = new("--stop-action") { Description = "When the host shuts down: save, turnOff, shutDown" };
    private readonly Option<string?> crashAction = new("--crash-action") { Description = "When QEMU dies: off, restart" };

    public static VmSettingOptions AddTo(Command command, bool forCreate)
    {
        var o = new VmSettingOptions();
        foreach (var option in new Option[] { o.cpus, o.memory, o.kernel, o.initrd, o.append, o.bootDisk, o.scsiDisks, o.nics,
                     o.notes, o.startAction, o.startDelay, o.stopAction, o.crashAction })
            command.Options.Add(option);
        if (!forCreate)
            command.Options.Add(o.name);
        return o;
    }

    public VmSettings Read(ParseResult p)
    {
        var kernelPath = Full(p.GetValue(kernel));
        var bootDiskPath = Full(p.GetValue(bootDisk));
        if (kernelPath is not null && bootDiskPath is not null)
            throw new CliException(ExitCodes.Usage, "--kernel and --boot-disk exclude each other: a VM boots one way.");
        BootSettings? boot = kernelPath is not null
            ? new BootSettings { Kind = "kernel", Kernel = kernelPath, Initrd = Full(p.GetValue(initrd)), CommandLine = p.GetValue(append) }
            : bootDiskPath is not null ? new BootSettings { Kind = "disk" } : null;
        var scsi = p.GetValue(scsiDisks) is { Length: > 0 } disks
            ? new[] { new ScsiControllerSettings { Disks = disks.Select((d, i) => new ScsiDiskSettings { Location = i, Path = Full(d)! }).ToList() } }
            : null;
        return new VmSettings
        {
            Name = p.GetValue(name),
            ProcessorCount = p.GetValue(cpus),
            MemoryStartupMiB = p.GetValue(memory),
            Boot = boot,
            IdeDrives = bootDiskPath is not null ? [new IdeDriveSettings { Controller = 0, Location = 0, Media = "hardDisk", Path = bootDiskPath }] : null,
            ScsiControllers = scsi,
            NetworkAdapters = p.GetValue(nics) is { Length: > 0 } n ? n.Select(ParseNic).ToList() : null,
            Notes = p.GetValue(notes),
            AutomaticStartAction = p.GetValue(startAction),
            AutomaticStartDelaySeconds = p.GetValue(startDelay),
            AutomaticStopAction = p.GetValue(stopAction),
            CrashAction = p.GetValue(crashAction),
        };
    }

    /// <summary>The service resolves nothing relative to the caller's folder: send absolute paths.</summary>
    private static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);

    private static NetworkAdapterSettings ParseNic(string spec)
    {
        var parts = spec.Split(':', 2);
        return new NetworkAdapterSettings { Kind = parts[0], Switch = parts.Length > 1 ? parts[1] : null };
    }
}
