namespace Nube.Core.Vms;

public enum DeviceKind
{
    /// <summary>A real device QEMU imitates, which any guest has drivers for (Hyper-V's emulated devices).</summary>
    Emulated,
    /// <summary>A paravirtual device made for VMs (virtio here, VMBus on Hyper-V): faster, needs its drivers.</summary>
    Synthetic,
}
