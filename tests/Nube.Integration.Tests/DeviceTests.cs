using System.Diagnostics;
using Nube.Contracts.Vms;
using Nube.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.Integration.Tests;

/// <summary>The devices a VM's settings describe are the devices its guest finds.</summary>
public sealed class DeviceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_guest_sees_its_emulated_and_synthetic_disks_and_network_adapters()
    {
        await using var host = await NubedHost.StartAsync(output);
        var ide = await OverlayAsync(host, "ide.qcow2");
        var scsi = await OverlayAsync(host, "scsi.qcow2");
        var vm = await host.Client.CreateVmAsync(new VmSettings
        {
            Name = "devices",
            MemoryStartupMiB = 512,
            Boot = new BootSettings { Kind = "kernel", Kernel = TestGuest.Kernel, Initrd = TestGuest.Initrd, CommandLine = "console=ttyS0" },
            IdeDrives = [new IdeDriveSettings { Controller = 0, Location = 1, Path = ide }],
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 3, Path = scsi }] }],
            NetworkAdapters =
            [
                new NetworkAdapterSettings { Kind = "legacy", MacAddress = "52:54:00:12:34:01" },
                new NetworkAdapterSettings { Kind = "synthetic", MacAddress = "52:54:00:12:34:02", Switch = "user" },
            ],
        });
        await host.Client.OperateAsync("devices", "start");
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

    private static async Task<string> OverlayAsync(NubedHost host, string name)
    {
        var path = Path.Combine(host.Root, name);
        var psi = new ProcessStartInfo("qemu-img", ["create", "-q", "-f", "qcow2", "-b", TestGuest.DataDisk, "-F", "raw", path]);
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, p.ExitCode);
        return path;
    }
}
