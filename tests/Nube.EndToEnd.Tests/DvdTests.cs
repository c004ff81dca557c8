using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>A DVD drive takes and gives up its disc while the VM runs, as a real drive does.</summary>
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
}
