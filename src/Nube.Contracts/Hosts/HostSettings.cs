namespace Nube.Contracts.Hosts;

public sealed record HostSettings
{
    public string? Edition { get; init; }
    public string? Accelerator { get; init; }
    public int? StopTimeoutSeconds { get; init; }
    /// <summary>MiB/s that saving, restoring and migrating a VM's memory may use.</summary>
    public int? MigrationBandwidthMiBps { get; init; }
    /// <summary>Moves of this host's VMs that run at once (1 to 16); the others wait their turn.</summary>
    public int? LiveMigrationsAtOnce { get; init; }
    /// <summary>The longest pause a live move's switch-over may take, in ms.</summary>
    public int? MigrationMaxDowntimeMs { get; init; }
    /// <summary>Slow a guest that dirties memory faster than a move copies it, so that the move ends.</summary>
    public bool? MigrationAutoConverge { get; init; }
    /// <summary>Encrypt moves' streams; off on both hosts, they go in the clear (a migration network of their own).</summary>
    public bool? MigrationEncryption { get; init; }
    /// <summary>Folders whose files VMs may use (images, kernels); the data directory always is one.</summary>
    public IReadOnlyList<string>? StorageRoots { get; init; }
    /// <summary>Host block devices VMs may have as passthrough disks (replaces the list).</summary>
    public IReadOnlyList<string>? PassthroughDevices { get; init; }
    public int? HeartbeatIntervalSeconds { get; init; }
    public int? HeartbeatTimeoutSeconds { get; init; }
    /// <summary>0 sets guests' clocks only after start, resume and restore.</summary>
    public int? TimeSyncIntervalSeconds { get; init; }
    /// <summary>The TCP listener for the API and the web console.</summary>
    public RemoteManagementSettings? Remote { get; init; }
    /// <summary>The largest ISO image an upload into the ISO library may send: bytes, or with a unit (16GiB).</summary>
    public string? IsoUploadLimit { get; init; }
    /// <summary>Whether the TCP listener serves the web console (the API stays either way).</summary>
    public bool? WebConsole { get; init; }
    /// <summary>The switch (by name) that a new VM's adapter connects to when its settings name no adapters; "" for none.</summary>
    public string? DefaultSwitch { get; init; }
    /// <summary>The first MAC address of the range that adapters made without one get theirs from.</summary>
    public string? MacAddressMinimum { get; init; }
    /// <summary>The last MAC address of that range.</summary>
    public string? MacAddressMaximum { get; init; }
}
