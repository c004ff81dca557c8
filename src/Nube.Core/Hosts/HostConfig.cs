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
}
