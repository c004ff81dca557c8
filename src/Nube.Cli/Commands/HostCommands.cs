using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Hosts;
using Spectre.Console.Rendering;

namespace Nube.Cli.Commands;

/// <summary><c>nube host ...</c>: the host's facts and settings.</summary>
public static class HostCommands
{
    public static Command Build()
    {
        var host = new Command("host", "The virtualization host");
        var info = new Command("info", "Show the host's edition, limits, accelerator and QEMU");
        info.SetHandler(async (p, client, ct) => Printer.Print(p, await client.GetHostAsync(ct), ContractsJson.Default.HostInfo, Table));
        host.Subcommands.Add(info);
        host.Subcommands.Add(HostPeerCommands.Build());

        var edition = new Option<string?>("--edition") { Description = "Edition profile whose limits the host enforces" };
        var accelerator = new Option<string?>("--accelerator") { Description = "auto, kvm or tcg" };
        var stopTimeout = new Option<int?>("--stop-timeout") { Description = "Seconds a graceful stop waits before turning a VM off" };
        var storageRoots = new Option<string[]?>("--storage-root")
        {
            Description = "A folder whose files VMs may use (repeat it for several; replaces the list; the data directory always is one)",
            AllowMultipleArgumentsPerToken = false,
        };
        var devices = new Option<string[]?>("--passthrough-device")
        {
            Description = "A host block device VMs may have as a passthrough disk (repeat it for several; replaces the list; none by default)",
            AllowMultipleArgumentsPerToken = false,
        };
        var bandwidth = new Option<int?>("--migration-bandwidth")
        {
            Description = "MiB/s that saving, restoring and migrating a VM's memory may use",
        };
        var atOnce = new Option<int?>("--live-migrations") { Description = "Moves of this host's VMs that run at once (1 to 16; Hyper-V's default is 2)" };
        var downtime = new Option<int?>("--migration-max-downtime") { Description = "The longest pause a live move's switch-over may take, in ms" };
        var autoConverge = new Option<bool?>("--migration-auto-converge")
        {
            Description = "true: slow a guest that dirties memory faster than a move copies it, so that the move ends",
        };
        var encryption = new Option<bool?>("--migration-encryption")
        {
            Description = "false (on both hosts): moves' streams go in the clear, for a migration network of their own",
        };
        var heartbeatInterval = new Option<int?>("--heartbeat-interval") { Description = "Seconds between heartbeats to each running VM's guest agent" };
        var heartbeatTimeout = new Option<int?>("--heartbeat-timeout") { Description = "Seconds a heartbeat waits before it reads Lost communication" };
        var timeSyncInterval = new Option<int?>("--time-sync-interval")
        {
            Description = "Seconds between settings of guests' clocks; 0: only after start, resume and restore",
        };
        var isoLimit = new Option<string?>("--iso-upload-limit")
        {
            Description = "The largest ISO image an upload into the ISO library may send: 16GiB, 700MiB or bytes",
        };
        var defaultSwitch = new Option<string?>("--default-switch")
        {
            Description = "The switch a new VM's adapter connects to when it is made without --nic; none: such VMs have no adapter",
        };
        var macMinimum = new Option<string?>("--mac-address-minimum") { Description = "The first MAC address of the range new adapters get theirs from" };
        var macMaximum = new Option<string?>("--mac-address-maximum") { Description = "The last MAC address of that range" };
        var remote = new RemoteOptions();
        var set = new Command("set", "Change the host's settings")
        {
            edition, accelerator, stopTimeout, storageRoots, devices, bandwidth, atOnce, downtime, autoConverge, encryption, heartbeatInterval, heartbeatTimeout, timeSyncInterval, isoLimit, defaultSwitch,
            macMinimum, macMaximum,
        };
        remote.AddTo(set);
        set.SetHandler(async (p, client, ct) =>
        {
            var settings = new HostSettings
            {
                Edition = p.GetValue(edition), Accelerator = p.GetValue(accelerator), StopTimeoutSeconds = p.GetValue(stopTimeout),
                // An option left out reads as an empty list, which would replace the roots with none.
                StorageRoots = p.GetResult(storageRoots) is null ? null : p.GetValue(storageRoots), MigrationBandwidthMiBps = p.GetValue(bandwidth),
                LiveMigrationsAtOnce = p.GetValue(atOnce), MigrationMaxDowntimeMs = p.GetValue(downtime), MigrationAutoConverge = p.GetValue(autoConverge),
                MigrationEncryption = p.GetValue(encryption),
                PassthroughDevices = p.GetResult(devices) is null ? null : p.GetValue(devices),
                HeartbeatIntervalSeconds = p.GetValue(heartbeatInterval), HeartbeatTimeoutSeconds = p.GetValue(heartbeatTimeout),
                TimeSyncIntervalSeconds = p.GetValue(timeSyncInterval), IsoUploadLimit = p.GetValue(isoLimit), Remote = remote.Settings(p), WebConsole = remote.WebConsole(p),
                DefaultSwitch = p.GetValue(defaultSwitch) is { } d ? (d == "none" ? "" : d) : null,
                MacAddressMinimum = p.GetValue(macMinimum), MacAddressMaximum = p.GetValue(macMaximum),
            };
            if (settings == new HostSettings())
                throw new CliException(ExitCodes.Usage,
                    "Nothing to change: give --edition, --accelerator, --stop-timeout, --storage-root, --passthrough-device, --migration-bandwidth, " +
                    "--live-migrations, --migration-max-downtime, --migration-auto-converge, --migration-encryption, " +
                    "--heartbeat-interval, --heartbeat-timeout, --time-sync-interval, --iso-upload-limit, --default-switch, --mac-address-minimum, --mac-address-maximum, --remote, --remote-address, --remote-port, " +
                    "--tls, --certificate, --key or --web-console.");
            var changed = await client.SetHostAsync(settings, ct);
            var fields = ChangedFields.Of(settings, ContractsJson.Default.HostSettings);
            Printer.Say(p, changed, ContractsJson.Default.HostInfo, _ => ChangedFields.Sentence("the host's settings", fields));
        });
        host.Subcommands.Add(set);

        var stopVms = new Command("stop-vms",
            "Apply each running VM's automatic stop action (save, turnOff, shutDown), as the host does when it shuts down");
        stopVms.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.StopAllVmsAsync(ct), ContractsJson.Default.IReadOnlyListVmSummary, VmTables.List));
        host.Subcommands.Add(stopVms);
        return host;
    }

    private static IRenderable Table(HostInfo h)
    {
        static string Limit<T>(T? v, string unit = "") where T : struct => v is { } x ? $"{x}{unit}" : "unlimited";
        var l = h.Limits;
        return Printer.KeyValues(
            ("Host", h.HostName),
            ("Edition", $"{h.Edition} ({h.EditionDisplayName})"),
            ("Accelerator", $"{h.Accelerator} (in use: {h.AcceleratorInUse})"),
            ("KVM usable", h.KvmUsable ? "yes" : "no"),
            ("Logical processors", h.LogicalProcessors.ToString()),
            ("Memory", $"{h.MemoryBytes / (1024 * 1024)} MiB"),
            ("QEMU", h.QemuVersion),
            ("Machine types of new VMs", h.CurrentMachines.Count > 0 ? string.Join(", ", h.CurrentMachines) : "none (QEMU is missing)"),
            ("Data directory", h.DataDirectory),
            ("Storage roots", string.Join(", ", h.StorageRoots)),
            ("Passthrough devices", h.PassthroughDevices.Count > 0 ? string.Join(", ", h.PassthroughDevices) : "none"),
            ("Stop timeout", $"{h.StopTimeoutSeconds} s"),
            ("Migration bandwidth", $"{h.MigrationBandwidthMiBps} MiB/s"),
            ("Live migrations", $"{h.LiveMigrationsAtOnce} at once, pausing at most {h.MigrationMaxDowntimeMs} ms" +
                (h.MigrationAutoConverge ? ", slowing guests that outpace the copy" : "") +
                (h.MigrationEncryption ? ", encrypted (TLS)" : ", in the clear when the peer allows it too")),
            ("Heartbeat", $"every {h.HeartbeatIntervalSeconds} s, waiting {h.HeartbeatTimeoutSeconds} s"),
            ("Time sync", h.TimeSyncIntervalSeconds > 0 ? $"every {h.TimeSyncIntervalSeconds} s" : "after start, resume and restore only"),
            ("ISO upload limit", MeterTables.Bytes(h.IsoUploadLimitBytes)),
            ("VMs", $"{h.VmCount} ({h.RunningVmCount} running)"),
            ("Default switch", h.DefaultSwitch ?? "none (new VMs made without --nic have no adapter)"),
            ("MAC address range", $"{h.MacAddressMinimum} to {h.MacAddressMaximum}"),
            ("Remote management", RemoteOptions.Describe(h.Remote)),
            ("TLS certificate", h.Remote.CertificateFingerprint is { } f
                ? $"{(h.Remote.SelfSignedCertificate ? "the host's self-signed one" : "the operator's")}, SHA-256 {f}"
                : null),
            ("Certificate subject", h.Remote.CertificateSubject is { } subject
                ? $"{subject}, valid until {JobText.When(h.Remote.CertificateExpiresAt)}"
                : null),
            ("Web console", RemoteOptions.DescribeWebConsole(h)),
            ("Limit: running VMs", Limit(l.MaxRunningVms)),
            ("Limit: host memory", Limit(l.MaxHostMemoryGiB, " GiB")),
            ("Limit: host logical processors", Limit(l.MaxHostLogicalProcessors)),
            ("Limit: guest memory", Limit(l.MaxGuestMemoryMiB, " MiB")),
            ("Limit: vCPUs per VM", l.MaxProcessorsPerVm.ToString()),
            ("Limit: network adapters", $"{l.MaxLegacyNetworkAdapters} legacy + {l.MaxSyntheticNetworkAdapters} synthetic"),
            ("Limit: storage controllers", $"{l.MaxIdeControllers} IDE + {l.MaxScsiControllers} SCSI"),
            ("Limit: storage devices", $"{l.MaxIdeDevices} IDE + {l.MaxScsiDevices} SCSI"),
            ("Limit: places per controller", $"{l.IdeLocationsPerController} IDE, {l.ScsiTargetsPerController} SCSI"),
            ("Live migration", l.LiveMigration ? "live and quick" : "quick only"));
    }
}
