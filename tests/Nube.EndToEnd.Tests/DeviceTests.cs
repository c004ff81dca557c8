using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>The devices a VM's settings describe are the devices its guest finds.</summary>
public sealed class DeviceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_guest_sees_its_emulated_and_synthetic_disks_and_network_adapters()
    {
        await using var host = await NubedHost.StartAsync(output);
        var ide = await Overlay.CreateAsync(host, "ide.qcow2");
        var scsi = await Overlay.CreateAsync(host, "scsi.qcow2");
        var vm = await host.Client.CreateVmAsync(NubedHost.GuestSettings("devices") with
        {
            IdeDrives = [new IdeDriveSettings { Controller = 0, Location = 1, Path = ide }],
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 3, Path = scsi }] }],
            NetworkAdapters =
            [
                new NetworkAdapterSettings { Kind = "legacy", MacAddress = "52:54:00:12:34:01" },
                new NetworkAdapterSettings { Kind = "synthetic", MacAddress = "52:54:00:12:34:02", Switch = "user" },
            ],
        });
        await host.Client.RunJobAsync("devices", "start");
        Assert.True((await host.Client.GetVmAsync("devices", 60)).GuestAgent?.Responding);
        var id = vm.Summary.Id;

        // Each disk, by the driver of the controller it hangs on, carries the test disk's marker.
        var disks = await GuestShell.RunAsync(host, id,
            "for d in /sys/block/sd*; do n=${d##*/}; echo \"$n $(basename $(readlink -f $d/device/../../..)) " +
            "$(basename $(readlink $d/device/../../../driver 2>/dev/null || readlink $d/device/../../../../driver))\"; done; " +
            "mkdir -p /mnt/a /mnt/b; mount -o ro /dev/sda /mnt/a && mount -o ro /dev/sdb /mnt/b && cat /mnt/a/nube-disk-marker /mnt/b/nube-disk-marker");
        output.WriteLine(disks);
        Assert.Contains("nube-test-disknube-test-disk", disks);
        Assert.Matches(@"sd[ab] .* ata_piix", disks);
        Assert.Matches(@"sd[ab] .* virtio_scsi", disks);

        var nics = await GuestShell.RunAsync(host, id,
            "for n in /sys/class/net/eth*; do echo \"$(cat $n/address) $(basename $(readlink $n/device/driver))\"; done");
        output.WriteLine(nics);
        Assert.Contains("52:54:00:12:34:01 tulip", nics);
        Assert.Contains("52:54:00:12:34:02 virtio_net", nics);
    }

    [Fact]
    public async Task A_generation_1_vm_boots_from_its_ide_disk_through_the_bios()
    {
        await using var host = await NubedHost.StartAsync(output);
        var disk = await Overlay.CreateAsync(host, "boot.qcow2", TestGuest.BootDisk);
        var created = await NubeCli.RunAsync(host, "vm", "new", "legacy", "--boot-disk", disk, "--memory", "512", "--nic", "legacy", "--json");
        Assert.True(created.ExitCode == 0, created.Stderr);

        var started = await NubeCli.RunAsync(host, "vm", "start", "legacy", "--wait-agent", "120");
        Assert.True(started.ExitCode == 0, started.Stderr);

        var vm = await host.Client.GetVmAsync("legacy", 0);
        Assert.Equal("disk", vm.Settings!.Boot!.Kind);
        // SYSLINUX on the disk, not QEMU's -kernel, loaded this kernel.
        var cmdline = await GuestShell.RunAsync(host, vm.Summary.Id, "cat /proc/cmdline");
        Assert.Contains("BOOT_IMAGE=/vmlinuz", cmdline);
        Assert.Contains(host.SerialLines(vm.Summary.Id), l => l.StartsWith(TestGuest.ReadyLine));
    }
}
