using System.Text.Json;
using Nube.Contracts;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Generation 2 boots its SCSI disk through UEFI; generation 1 boots a SCSI disk through the BIOS.</summary>
public sealed class GenerationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_generation_2_vm_boots_its_scsi_disk_through_uefi_with_secure_boot_on()
    {
        await using var host = await NubedHost.StartAsync(output);
        var disk = await Overlay.CreateAsync(host, "efi.qcow2", TestGuest.EfiDisk);
        var created = await NubeCli.RunAsync(host, "vm", "new", "uefi", "--generation", "2", "--boot-disk", disk,
            "--memory", "512", "--nic", "synthetic", "--json");
        Assert.True(created.ExitCode == 0, created.Stderr);
        var id = JsonSerializer.Deserialize(created.Stdout, ContractsJson.Default.VmDetails)!.Summary.Id;
        var vmFolder = Path.Combine(host.DataDir, "vms", id.ToString());

        var seconds = await NubeCli.StartFromFirmwareAsync(host, "uefi");
        output.WriteLine($"generation 2, Secure Boot on: start to guest agent {seconds:0.0} s");
        var shown = await NubeCli.RunAsync(host, "vm", "show", "uefi", "--json");
        var details = JsonSerializer.Deserialize(shown.Stdout, ContractsJson.Default.VmDetails)!;
        Assert.Equal("UEFI (OVMF), Secure Boot on", details.Firmware);
        // Its board is pinned to the versioned q35 of this host's QEMU.
        Assert.Matches(@"^q35 \(pc-q35-[0-9]+\.[0-9]+\)$", details.Machine);
        Assert.Equal(details.Machine, $"q35 ({details.Settings!.Machine})");
        var bootDisk = Assert.Single(details.Devices!, d => d.Name == "SCSI 0:0");
        Assert.Equal(("synthetic", "virtio-scsi (scsi-hd)"), (bootDisk.Kind, bootDisk.Model));
        Assert.DoesNotContain(details.Devices!, d => d.Name.StartsWith("IDE", StringComparison.Ordinal));
        // Signed shim, then signed GRUB (which sets BOOT_IMAGE) started the signed kernel, and the kernel saw Secure Boot enforced.
        var guest = await GuestShell.RunAsync(host, id, "cat /proc/cmdline; dmesg | grep -i 'secure boot'; ls -d /sys/firmware/efi");
        output.WriteLine(guest);
        Assert.Contains("BOOT_IMAGE=/vmlinuz", guest);
        Assert.Contains("Secure boot enabled", guest);
        // Secure Boot off is booted from a disc (DvdTests), which keeps the other store.
        Assert.True(File.Exists(Path.Combine(vmFolder, "uefi-vars.secureboot.fd")));
        Assert.False(File.Exists(Path.Combine(vmFolder, "uefi-vars.fd")));

        // Its adapters sit in PCI Express root ports: one comes while it runs (native PCIe hot plug), and the first goes.
        Assert.Equal(8, details.Settings!.PcieRootPorts);
        var first = Assert.Single(details.Settings.NetworkAdapters!).MacAddress!;
        var added = await NubeCli.RunAsync(host, "vm", "nic", "add", "uefi", "synthetic", "--mac", "52:54:00:78:20:02");
        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.Contains("52:54:00:78:20:02", await SwitchGuests.WaitForMacAsync(host, id, "52:54:00:78:20:02", present: true), StringComparison.Ordinal);
        var removed = await NubeCli.RunAsync(host, "vm", "nic", "remove", "uefi", "nic0");
        Assert.True(removed.ExitCode == 0, removed.Stderr);
        Assert.DoesNotContain(first, await SwitchGuests.WaitForMacAsync(host, id, first, present: false), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_generation_1_vm_boots_from_a_scsi_disk_through_the_bios()
    {
        await using var host = await NubedHost.StartAsync(output);
        var disk = await Overlay.CreateAsync(host, "boot.qcow2", TestGuest.BootDisk);
        var created = await NubeCli.RunAsync(host, "vm", "new", "scsiboot", "--boot-disk", disk, "--boot-from", "scsi0:0",
            "--memory", "512", "--json");
        Assert.True(created.ExitCode == 0, created.Stderr);
        var seconds = await NubeCli.StartFromFirmwareAsync(host, "scsiboot");
        output.WriteLine($"generation 1 from SCSI: start to guest agent {seconds:0.0} s");

        var vm = await host.Client.GetVmAsync("scsiboot", 0);
        Assert.Equal("BIOS (SeaBIOS)", vm.Firmware);
        Assert.Contains(vm.Devices!, d => d is { Name: "SCSI 0:0", Kind: "synthetic" } && d.Detail!.EndsWith("boot disk", StringComparison.Ordinal));
        // SYSLINUX on the SCSI disk loaded this kernel, and the disk hangs on virtio-scsi.
        var guest = await GuestShell.RunAsync(host, vm.Summary.Id,
            "cat /proc/cmdline; basename $(readlink /sys/block/sda/device/../../../driver)");
        Assert.Contains("BOOT_IMAGE=/vmlinuz", guest);
        Assert.Contains("virtio_scsi", guest);
    }
}
