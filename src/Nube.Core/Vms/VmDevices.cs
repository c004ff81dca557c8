using System.Collections.Immutable;

namespace Nube.Core.Vms;

/// <summary>
/// The firmware and devices a VM's settings give its guest, named as the QEMU command line
/// builds them (see <see cref="Qemu.QemuCommandBuilder"/>).
/// </summary>
public static class VmDevices
{
    public static string Firmware(VmConfig vm) => vm.Generation == 2
        ? $"UEFI (OVMF), Secure Boot {(Generations.SecureBootOn(vm) ? "on" : "off")}"
        : "BIOS (SeaBIOS)";

    public static string Machine(VmConfig vm) => vm.Generation == 2 ? $"q35 ({vm.Machine ?? "q35, not pinned yet"})" : $"i440fx ({vm.Machine ?? "pc, not pinned yet"})";

    public static ImmutableArray<VmDevice> Describe(VmConfig vm)
    {
        var boot = Generations.BootDisk(vm);
        var devices = ImmutableArray.CreateBuilder<VmDevice>();
        foreach (var d in vm.IdeDrives)
        {
            var model = d.Media == DriveMedia.Dvd ? "PIIX IDE (ide-cd)" : "PIIX IDE (ide-hd)";
            devices.Add(new($"IDE {d.Controller}:{d.Location}", DeviceKind.Emulated, model,
                Disk(d.Path ?? "(empty)", d.ReadOnly, d.Cache, boot == DiskAddress.Of(d))));
        }
        for (var c = 0; c < vm.ScsiControllers.Length; c++)
        {
            var controller = vm.ScsiControllers[c];
            devices.Add(new($"SCSI controller {c}", DeviceKind.Synthetic, "virtio-scsi",
                $"{controller.Disks.Length} disk(s), {vm.ProcessorCount} queue(s){(controller.IoThread ? ", own iothread" : "")}"));
            foreach (var d in controller.Disks)
                devices.Add(new($"SCSI {c}:{d.Location}", DeviceKind.Synthetic, d.Media == DriveMedia.Dvd ? "virtio-scsi (scsi-cd)" : "virtio-scsi (scsi-hd)",
                    Disk(d.Path ?? "(empty)", d.ReadOnly, d.Cache, boot == new DiskAddress(DiskBus.Scsi, c, d.Location))));
        }
        for (var i = 0; i < vm.NetworkAdapters.Length; i++)
        {
            var n = vm.NetworkAdapters[i];
            var kind = n.Kind == NetworkAdapterKind.Legacy ? DeviceKind.Emulated : DeviceKind.Synthetic;
            var where = n.Switch is null ? "not connected" : NetworkAdapter.SwitchName(n) is null ? $"on {n.Switch}" : $"on switch {n.Switch}{PortDetail(n)}";
            devices.Add(new($"Network adapter {n.Id} ({(n.Kind == NetworkAdapterKind.Legacy ? "legacy" : "synthetic")})", kind,
                NicModelName(NetworkAdapter.ModelOf(n)), $"{n.MacAddress} {where}", n.MacAddress));
        }
        AddDisplay(vm, devices);
        devices.Add(new("COM1", DeviceKind.Emulated, "16550A UART", vm.Com1.Log ? "socket, logged" : "socket"));
        devices.Add(new("Guest agent channel", DeviceKind.Synthetic, "virtio-serial", "org.qemu.guest_agent.0"));
        return devices.ToImmutable();
    }

    /// <summary>The display and input devices (see <see cref="Qemu.DisplayArguments"/>).</summary>
    private static void AddDisplay(VmConfig vm, ImmutableArray<VmDevice>.Builder devices)
    {
        const string Viewers = "VNC through the host service: web console, vm screenshot";
        if (vm.Generation == 2)
        {
            devices.Add(new("Display", DeviceKind.Synthetic, "virtio-gpu", Viewers));
            devices.Add(new("Keyboard", DeviceKind.Emulated, "PS/2 (i8042)", ""));
            devices.Add(new("Pointer", DeviceKind.Emulated, "USB tablet (qemu-xhci)", "absolute"));
            return;
        }
        devices.Add(new("Display", DeviceKind.Emulated, "VGA (std, Bochs VBE)", Viewers));
        devices.Add(new("Keyboard and mouse", DeviceKind.Emulated, "PS/2 (i8042)", "relative mouse"));
    }

    public static string NicModelName(NicModel model) => model switch
    {
        NicModel.Tulip => "DEC 21140 (tulip)",
        NicModel.E1000 => "Intel 82540EM (e1000)",
        _ => "virtio-net",
    };

    private static string Disk(string path, bool readOnly, DiskCache? cache, bool boots) =>
        path + (readOnly ? ", read-only" : "") + (cache == DiskCache.Direct ? ", direct I/O" : "") + (boots ? ", boot disk" : "");

    /// <summary>A port's VLAN, bandwidth limit and weight, and the guards that are off (on is the default, so only exceptions are worth a word).</summary>
    private static string PortDetail(NetworkAdapter n)
    {
        var notes = new List<string>();
        if (n.VlanId is { } vlan)
            notes.Add($"VLAN {vlan}");
        if (n.MaximumBandwidthMbps is { } mbps)
            notes.Add($"at most {mbps} Mbit/s");
        if (n.MinimumBandwidthWeight is { } weight)
            notes.Add($"bandwidth weight {weight}");
        if (n.MacAddressSpoofing)
            notes.Add("MAC spoofing allowed");
        if (!n.DhcpGuard)
            notes.Add("DHCP guard off");
        if (!n.RouterGuard)
            notes.Add("router guard off");
        if (n.AllowedAddresses is { } allowed)
            notes.Add($"sends from {string.Join(", ", NetworkAdapter.AddressesOf(allowed))} only");
        return notes.Count == 0 ? "" : $" ({string.Join(", ", notes)})";
    }
}
