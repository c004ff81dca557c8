using System.Collections.Immutable;

namespace Nube.Core.Hosts;

/// <summary>The host's settings, stored as <c>host.json</c> in the data directory.</summary>
public sealed record HostConfig
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Where VM images live unless the operator says otherwise.</summary>
    public const string DefaultStorageRoot = "/var/lib/nube/images";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    /// <summary>Name of the edition profile whose limits this host enforces.</summary>
    public string Edition { get; init; } = "nube";
    public AcceleratorSetting Accelerator { get; init; } = AcceleratorSetting.Auto;
    /// <summary>Seconds a graceful stop waits for the guest before turning the VM off.</summary>
    public int StopTimeoutSeconds { get; init; } = 60;
    /// <summary>
    /// Folders a VM's host paths (kernel, initrd, disk images) must lie in. The data directory is
    /// always one in addition; host.json files written before this setting get the default.
    /// </summary>
    public ImmutableArray<string> StorageRoots { get; init; } = [DefaultStorageRoot];
    /// <summary>
    /// Host block devices (<c>/dev/sdb</c>, <c>/dev/disk/by-id/...</c>) that VMs may have as
    /// passthrough disks, as Hyper-V's offline physical disks; none unless the operator names them.
    /// </summary>
    public ImmutableArray<string> PassthroughDevices { get; init; } = [];
    /// <summary>
    /// The rate QEMU may write or read a VM's memory at when saving, restoring or migrating it.
    /// QEMU's own default (128 MiB/s) would dominate a save to a local disk; a lower limit spares
    /// a disk or a network that other VMs share, as Proxmox's bwlimit does.
    /// </summary>
    public int MigrationBandwidthMiBps { get; init; } = 8192;
    /// <summary>Moves of this host's VMs that run at once (Hyper-V's simultaneous live migrations, 2 by default); the others wait.</summary>
    public int LiveMigrationsAtOnce { get; init; } = 2;
    /// <summary>The longest pause a live move's switch-over may take (QEMU's downtime-limit): it copies on until the rest fits.</summary>
    public int MigrationMaxDowntimeMs { get; init; } = 30;
    /// <summary>Slow a guest's processors down when it dirties memory faster than the move copies it, so that the move ends (QEMU's auto-converge).</summary>
    public bool MigrationAutoConverge { get; init; } = true;
    /// <summary>
    /// Encrypt moves' streams (TLS with a key made per move). Off on both hosts, a stream goes in
    /// the clear, accepted only from the address that asked for the move: for a migration network
    /// of its own (as Proxmox's insecure migration type), where TLS would cost most of the time.
    /// </summary>
    public bool MigrationEncryption { get; init; } = true;
    /// <summary>Seconds between two heartbeat requests to a running VM's guest agent.</summary>
    public int HeartbeatIntervalSeconds { get; init; } = 3;
    /// <summary>Seconds a heartbeat waits for its answer before the heartbeat reads Lost communication.</summary>
    public int HeartbeatTimeoutSeconds { get; init; } = 5;
    /// <summary>
    /// Seconds between two settings of a guest's clock from the host's, besides those after start,
    /// resume and restore; 0 sets it only then.
    /// </summary>
    public int TimeSyncIntervalSeconds { get; init; } = 300;
    /// <summary>
    /// The largest ISO an upload into the ISO library may send: a dual-layer DVD image (8.5 GB)
    /// and today's installer images fit; a runaway upload cannot fill the root.
    /// </summary>
    public long IsoUploadLimitBytes { get; init; } = 16L << 30;
    /// <summary>The TCP listener for the API and the web console.</summary>
    public RemoteManagement Remote { get; init; } = new();
    /// <summary>Whether the TCP listener serves the web console; the API is served either way.</summary>
    public bool WebConsole { get; init; } = true;
    /// <summary>
    /// The switch a new VM's adapter connects to when its settings name no adapters; null: such a
    /// VM has none. nubed makes one on a new host (<see cref="Switches.DefaultSwitch"/>).
    /// </summary>
    public Guid? DefaultSwitchId { get; init; }
    /// <summary>The first MAC address of the host's dynamic range (<see cref="MacAddressPool"/>).</summary>
    public string MacAddressMinimum { get; init; } = MacAddressPool.DefaultMinimum;
    /// <summary>The last MAC address of the host's dynamic range.</summary>
    public string MacAddressMaximum { get; init; } = MacAddressPool.DefaultMaximum;
}
