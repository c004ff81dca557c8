using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Bad device and generation settings through the CLI: the field, the value and the limit.</summary>
public sealed class DeviceInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Bad_generations_devices_and_taps_are_refused_by_name()
    {
        await using var host = await NubedHost.StartAsync(output);
        var disk = await Overlay.CreateAsync(host, "efi.qcow2", TestGuest.EfiDisk);

        var r = await NubeCli.RunAsync(host, "vm", "new", "g3", "--generation", "3", "--kernel", TestGuest.Kernel);
        Assert.Equal(5, r.ExitCode);
        Assert.Contains("generation: 3 is not supported; Nube offers generation 1", NubeCli.Flat(r.Stderr));

        r = await NubeCli.RunAsync(host, "vm", "new", "g2", "--generation", "2", "--boot-disk", disk, "--boot-from", "ide0:0",
            "--nic", "legacy:e1000:user", "--nic", "synthetic:tap:a-name-too-long-for-linux");
        Assert.Equal(5, r.ExitCode);
        var text = NubeCli.Flat(r.Stderr);
        Assert.Contains("ideDrives: 1 drive(s) on a generation 2 VM, which has no IDE controller; attach disks to a SCSI controller", text);
        Assert.Contains("networkAdapters[0].kind: 'legacy' is not available on a generation 2 VM", text);
        Assert.Contains("networkAdapters[1].switch: 'tap:a-name-too-long-for-linux' names a TAP device of 25 characters; " +
            "a TAP device's name has 1 to 15 characters", text);

        r = await NubeCli.RunAsync(host, "vm", "new", "g1", "--kernel", TestGuest.Kernel, "--secure-boot", "on", "--nic", "synthetic:e1000");
        Assert.Equal(5, r.ExitCode);
        text = NubeCli.Flat(r.Stderr);
        Assert.Contains("secureBoot: true needs generation 2 (UEFI)", text);
        Assert.Contains("networkAdapters[0].model: 'e1000' is a legacy model; a synthetic adapter is 'virtio-net'", text);

        r = await NubeCli.RunAsync(host, "vm", "new", "g1", "--kernel", TestGuest.Kernel, "--secure-boot", "maybe");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--secure-boot: 'maybe' is not on or off.", NubeCli.Flat(r.Stderr));
        Assert.Empty(await host.Client.ListVmsAsync());

        // Made as generation 1, a VM stays generation 1.
        await host.Client.CreateVmAsync(NubedHost.GuestSettings("fixed"));
        var e = await Assert.ThrowsAsync<Nube.Contracts.Client.NubeApiException>(() =>
            host.Client.SetVmAsync("fixed", new Nube.Contracts.Vms.VmSettings { Generation = 2 }));
        Assert.Contains("generation: 2 cannot be set on an existing VM; a VM's generation is chosen when it is created (this one is generation 1)", e.Message);
    }
}
