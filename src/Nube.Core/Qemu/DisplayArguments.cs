using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// The VM's display and what a viewer types and points with. Generation 1 gets QEMU's standard
/// VGA (Bochs VBE: VGA text mode for the BIOS, a linear framebuffer for the OS), an emulated
/// adapter any guest can drive, and keeps the i440fx board's PS/2 keyboard and mouse.
/// Generation 2 gets virtio-gpu, a paravirtual display with no legacy VGA (OVMF drives it
/// through its GOP), and a USB tablet on an xHCI controller: an absolute pointer, so that a
/// viewer's cursor and the guest's stay together; q35's PS/2 keyboard serves the firmware too.
/// </summary>
internal static class DisplayArguments
{
    public static void Add(VmConfig vm, List<string> argv)
    {
        if (vm.Generation == 2)
        {
            argv.AddRange(["-device", "virtio-gpu-pci,id=video0"]);
            argv.AddRange(["-device", "qemu-xhci,id=usb0", "-device", "usb-tablet,bus=usb0.0,id=tablet0"]);
        }
        else
        {
            argv.AddRange(["-device", "VGA,id=video0"]);
        }
        // QEMU's VNC server with no listener at all: nubed hands it each authenticated viewer's
        // connection over QMP (add_client). force-shared keeps every viewer connected even when
        // one asks for exclusive access.
        argv.AddRange(["-vnc", "none,share=force-shared"]);
    }
}
