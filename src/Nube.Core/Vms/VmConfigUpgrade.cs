namespace Nube.Core.Vms;

/// <summary>Brings a stored configuration of an earlier schema version up to the current one.</summary>
public static class VmConfigUpgrade
{
    public static VmConfig ToCurrent(VmConfig vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        if (vm.SchemaVersion >= VmConfig.CurrentSchemaVersion)
            return vm;
        // Version 2 gave devices ids; a version 1 VM's devices get those its QEMU already uses.
        return DeviceIds.FromPositions(vm) with { SchemaVersion = VmConfig.CurrentSchemaVersion };
    }
}
