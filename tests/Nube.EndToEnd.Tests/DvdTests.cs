using System.Text.Json;
using Nube.Contracts;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// A DVD drive takes and gives up its disc while the VM runs, as a real drive does, and a VM boots
/// from its disc, as from an OS installer's, on both generations.
/// </summary>
public sealed class DvdTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_disc_inserted_while_running_is_mounted_by_the_guest_and_ejected_again()
    {
        await using var host = await NubedHost.StartAsync(output);
        var created = await host.Client.CreateVmAsync(NubedHost.GuestSettings("dvd"));
        var id = created.Summary.Id;
        // An empty DVD drive on SCSI, added with the CLI while the VM is off.
        var added = await NubeCli.RunAsync(host, "vm", "disk", "add", "dvd", "--dvd", "--json");
        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.Contains("\"media\": \"dvd\"", added.Stdout);
        await host.Client.RunJobAsync("dvd", "start");
        Assert.True((await host.Client.GetVmAsync("dvd", 60)).GuestAgent?.Responding);

        // The test guest's data image stands in for an ISO: what matters is the medium, not its file system.
        var inserted = await NubeCli.RunAsync(host, "vm", "dvd", "insert", "dvd", TestGuest.DataDisk);
        Assert.True(inserted.ExitCode == 0, inserted.Stderr);
        Assert.Contains(TestGuest.DataDisk, inserted.Stdout);
        var marker = "";
        await Poll.UntilAsync(async () =>
        {
            marker = (await GuestShell.RunAsync(host, id,
                "mkdir -p /mnt/dvd; mount -o ro /dev/sr0 /mnt/dvd 2>/dev/null; cat /mnt/dvd/nube-disk-marker 2>/dev/null; true")).Trim();
            return marker.Length > 0;
        }, "the guest mounts the disc", TimeSpan.FromSeconds(30));
        Assert.EndsWith("nube-test-disk", marker);

        await GuestShell.RunAsync(host, id, "umount /mnt/dvd");
        var ejected = await host.Client.Disks.SetMediumAsync("dvd", new DriveMediumRequest());
        Assert.Null(Assert.Single(ejected).Path);
        var empty = await GuestShell.RunAsync(host, id, "mount -o ro /dev/sr0 /mnt/dvd 2>&1; true");
        output.WriteLine(empty);
        Assert.Contains("No medium", empty, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_generation_2_vm_passes_over_its_blank_boot_disk_to_the_disc_on_its_scsi_dvd_drive_with_secure_boot_off()
    {
        await using var host = await NubedHost.StartAsync(output);
        // A blank disk as the boot disk, and the installer disc: the disk first, the DVD second, as
        // the console's wizard makes them (a disk at SCSI 0:0, a DVD at 0:1, no boot disk named).
        // Secure Boot on from a disc: the Debian installer's test; from a disk: GenerationTests.
        var blank = await BlankDiskAsync(host);
        var created = await NubeCli.OkAsync(host, "vm", "new", "setup2", "--generation", "2", "--boot-disk", blank, "--dvd", TestGuest.Iso,
            "--secure-boot", "off", "--memory", "512", "--json");
        var id = JsonSerializer.Deserialize(created.Stdout, ContractsJson.Default.VmDetails)!.Summary.Id;
        await AssertBootOrderAsync(host, "setup2", "scsi0:0", "scsi0:1");

        var seconds = await NubeCli.StartFromFirmwareAsync(host, "setup2");
        output.WriteLine($"generation 2 past the blank disk to the SCSI DVD, Secure Boot off: start to guest agent {seconds:0.0} s");
        // GRUB from the disc's EFI boot image started the kernel, Secure Boot not enforced.
        var guest = await GuestShell.RunAsync(host, id, "cat /proc/cmdline; dmesg | grep -i 'secure boot'");
        Assert.Contains("BOOT_IMAGE=/vmlinuz", guest);
        Assert.Contains("Secure boot disabled", guest);
        Assert.True(File.Exists(Path.Combine(host.DataDir, "vms", id.ToString(), "uefi-vars.fd")));
        await AssertGuestSeesDiscAndBlankDiskAsync(host, id);
    }

    [Fact]
    public async Task A_generation_1_vm_boots_the_disc_on_its_ide_dvd_drive_before_its_blank_disk()
    {
        await using var host = await NubedHost.StartAsync(output);
        var created = await NubeCli.OkAsync(host, "vm", "new", "setup1", "--dvd", TestGuest.Iso, "--memory", "512", "--json");
        var id = JsonSerializer.Deserialize(created.Stdout, ContractsJson.Default.VmDetails)!.Summary.Id;
        // The blank disk goes where generation 1 boots from by default; the disc still comes first.
        await NubeCli.OkAsync(host, "vm", "disk", "add", "setup1", await BlankDiskAsync(host), "--at", "ide0:0");
        await AssertBootOrderAsync(host, "setup1", "ide1:0", "ide0:0");

        var seconds = await NubeCli.StartFromFirmwareAsync(host, "setup1");
        output.WriteLine($"generation 1 from the IDE DVD: start to guest agent {seconds:0.0} s");
        // ISOLINUX (which adds initrd= to the command line) loaded the kernel from the disc.
        var guest = await GuestShell.RunAsync(host, id, "cat /proc/cmdline");
        Assert.Contains("BOOT_IMAGE=/vmlinuz", guest);
        Assert.Contains("initrd=/initrd.img", guest);
        await AssertGuestSeesDiscAndBlankDiskAsync(host, id);
    }

    private const long BlankBytes = 1L << 30;

    private static async Task<string> BlankDiskAsync(NubedHost host)
    {
        var path = Path.Combine(host.Root, "blank.qcow2");
        await NubeCli.OkAsync(host, "disk", "new", path, "--size", $"{BlankBytes}");
        return path;
    }

    /// <summary>The disc's drive is first in the firmware's boot order, the blank disk next (where the installed system boots from).</summary>
    /// <summary>The firmware tries the drive at <paramref name="first"/>, then the one at <paramref name="second"/>; the DVD holds the test guest's disc.</summary>
    private static async Task AssertBootOrderAsync(NubedHost host, string vm, string first, string second)
    {
        var drives = await host.Client.Disks.ListDrivesAsync(vm);
        Assert.Equal(new[] { (first, (int?)0), (second, (int?)1) }, drives.Where(d => d.BootIndex is not null).OrderBy(d => d.BootIndex).Select(d => (d.At, d.BootIndex)));
        Assert.Equal(TestGuest.Iso, drives.Single(d => d.Media == "dvd").Path);
    }

    /// <summary>The guest has the whole disc in its DVD drive and the blank disk to install onto.</summary>
    private static async Task AssertGuestSeesDiscAndBlankDiskAsync(NubedHost host, Guid id)
    {
        // One line, sizes in sectors: the console may carry the guest kernel's lines too.
        var sizes = await GuestShell.RunAsync(host, id, "echo \"disc=$(cat /sys/block/sr0/size) disk=$(cat /sys/block/sda/size)\"");
        Assert.Contains($"disc={new FileInfo(TestGuest.Iso).Length / 512} disk={BlankBytes / 512}", sizes);
    }
}
