namespace Nube.Core.Hosts;

/// <summary>The host's settings, stored as <c>host.json</c> in the data directory.</summary>
public sealed record HostConfig
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    /// <summary>Name of the edition profile whose limits this host enforces.</summary>
    public string Edition { get; init; } = "nube";
    public AcceleratorSetting Accelerator { get; init; } = AcceleratorSetting.Auto;
    /// <summary>Seconds a graceful stop waits for the guest before turning the VM off.</summary>
    public int StopTimeoutSeconds { get; init; } = 60;
}
