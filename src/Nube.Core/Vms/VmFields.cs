namespace Nube.Core.Vms;

/// <summary>The top-level settings of a <see cref="VmConfig"/>, named as the user types them in JSON.</summary>
public static class VmFields
{
    public const string Name = "name";
    public const string ProcessorCount = "processorCount";
    public const string CpuReserve = "cpuReserve";
    public const string CpuLimit = "cpuLimit";
    public const string CpuWeight = "cpuWeight";
    public const string MemoryStartupMiB = "memoryStartupMiB";
    public const string Boot = "boot";
    public const string IdeDrives = "ideDrives";
    public const string ScsiControllers = "scsiControllers";
    public const string NetworkAdapters = "networkAdapters";
    public const string Com1 = "com1";
    public const string AutomaticStartAction = "automaticStartAction";
    public const string AutomaticStartDelaySeconds = "automaticStartDelaySeconds";
    public const string AutomaticStopAction = "automaticStopAction";
    public const string CrashAction = "crashAction";
    public const string Notes = "notes";
    public const string IntegrationServices = "integrationServices";
    public const string Generation = "generation";
    public const string SecureBoot = "secureBoot";
    public const string PcieRootPorts = "pcieRootPorts";
    public const string Machine = "machine";
    public const string ProcessorModel = "processorModel";
    public const string KvpHostItems = "kvpHostItems";
}
