using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Disks added to and removed from a running VM's SCSI controller: the guest sees them come and go, and no data is lost.</summary>
public sealed class HotPlugTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_VHDX_added_while_running_keeps_its_data_across_removal_and_adding_again()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vhdx = Path.Combine(host.Root, "hot.vhdx");
        var made = await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "vhdx", vhdx, "64M");
        Assert.True(made.ExitCode == 0, made.Stderr);
        var created = await host.Client.CreateVmAsync(NubedHost.GuestSettings("hot") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [] }],
        });
        var id = created.Summary.Id;
        await host.Client.RunJobAsync("hot", "start");
        Assert.True((await host.Client.GetVmAsync("hot", 60)).GuestAgent?.Responding);

        await PlugAsync(host, vhdx);
        var device = await WaitForDiskAsync(host, id, present: true);
        var written = await GuestShell.RunAsync(host, id,
            $"head -c 4194304 /dev/urandom > /tmp/data && dd if=/tmp/data of=/dev/{device} bs=1M conv=fsync 2>/dev/null && sha256sum < /tmp/data");
        output.WriteLine(written);

        var removed = await host.Client.SetVmAsync("hot", new VmSettings { ScsiControllers = [new ScsiControllerSettings { Disks = [] }] });
        Assert.Empty(removed.Settings!.ScsiControllers![0].Disks);
        await WaitForDiskAsync(host, id, present: false);
        // QEMU let go of the file: another QEMU may open it for writing (its image lock is gone).
        var check = await HostProgram.RunAsync("qemu-io", "-f", "vhdx", "-c", "read 0 512", vhdx);
        Assert.True(check.ExitCode == 0, check.Stderr);

        await PlugAsync(host, vhdx);
        device = await WaitForDiskAsync(host, id, present: true);
        var read = await GuestShell.RunAsync(host, id, $"head -c 4194304 /dev/{device} | sha256sum");
        Assert.Equal(GuestShell.Sha256(written), GuestShell.Sha256(read));

        var jobs = await host.Client.ListJobsAsync("hot");
        Assert.Equal(3, jobs.Count(j => j.Kind == "change-devices" && j.State == "completed"));
        Assert.Contains(jobs, j => j.Kind == "change-devices" && j.Result is { } r && r.StartsWith("remove SCSI disk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_IDE_change_while_running_is_refused_and_changes_nothing()
    {
        await using var host = await NubedHost.StartAsync(output);
        var disk = await Overlay.CreateAsync(host, "ide.qcow2");
        // A qcow2 with no backing file boots too: its node says so with a JSON null.
        var standalone = Path.Combine(host.Root, "standalone.qcow2");
        Assert.Equal(0, (await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "qcow2", standalone, "16M")).ExitCode);
        await host.Client.CreateVmAsync(NubedHost.GuestSettings("ide") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = standalone }] }],
        });
        await host.Client.RunJobAsync("ide", "start");

        var refused = await Assert.ThrowsAsync<Nube.Contracts.Client.NubeApiException>(() => host.Client.SetVmAsync("ide",
            new VmSettings { IdeDrives = [new IdeDriveSettings { Controller = 0, Location = 1, Path = disk }] }));
        output.WriteLine(refused.Message);
        Assert.Equal(400, refused.Status);
        Assert.Contains("ideDrives[0]: cannot add IDE hard disk disk1 at ide0:1 while the VM is running", refused.Message);
        Assert.Empty((await host.Client.GetVmAsync("ide", 0)).Settings!.IdeDrives!);
    }

    [Fact]
    public async Task A_running_VM_s_disk_grows_without_a_restart_and_the_guest_sees_the_new_size()
    {
        await using var host = await NubedHost.StartAsync(output);
        var raw = Path.Combine(host.Root, "grow.raw");
        Assert.Equal(0, (await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "raw", raw, "64M")).ExitCode);
        var created = await host.Client.CreateVmAsync(NubedHost.GuestSettings("grow") with
        {
            // Direct: the file is handed over opened with O_DIRECT, as QEMU then asks for it.
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 2, Path = raw, Cache = "direct" }] }],
        });
        var id = created.Summary.Id;
        await host.Client.RunJobAsync("grow", "start");
        Assert.True((await host.Client.GetVmAsync("grow", 60)).GuestAgent?.Responding);
        var device = await WaitForDiskAsync(host, id, present: true);
        Assert.Equal("131072", (await GuestShell.RunAsync(host, id, $"cat /sys/block/{device}/size")).Trim());

        var grown = await NubeCli.RunAsync(host, "disk", "resize", raw, "--size", "128MiB");
        Assert.True(grown.ExitCode == 0, grown.Stderr);
        Assert.Equal(128L << 20, new FileInfo(raw).Length);
        var sectors = "";
        await Poll.UntilAsync(async () =>
        {
            sectors = (await GuestShell.RunAsync(host, id, $"echo 1 > /sys/block/{device}/device/rescan; cat /sys/block/{device}/size")).Trim();
            return sectors.EndsWith("262144", StringComparison.Ordinal);
        }, "the guest to see 128 MiB", TimeSpan.FromSeconds(30));
        Assert.Equal("running", (await host.Client.GetVmAsync("grow", 0)).Summary.State);

        var shrink = await NubeCli.RunAsync(host, "disk", "resize", raw, "--size", "32MiB", "--allow-shrink");
        Assert.NotEqual(0, shrink.ExitCode);
        Assert.Contains("cannot be resized: it is used by VM 'grow' (running)", NubeCli.Flat(shrink.Stderr));
    }

    private static async Task PlugAsync(NubedHost host, string path)
    {
        var vm = await host.Client.SetVmAsync("hot", new VmSettings
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 2, Path = path }] }],
        });
        Assert.Equal(path, Assert.Single(vm.Settings!.ScsiControllers![0].Disks).Path);
    }

    /// <summary>The guest's name for the disk at SCSI target 2 once it is there, or nothing once it is gone.</summary>
    private static async Task<string> WaitForDiskAsync(NubedHost host, Guid vm, bool present)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var name = await GuestShell.ScsiDiskAsync(host, vm, 2);
            if (present ? name.StartsWith("sd", StringComparison.Ordinal) : name.Length == 0)
                return name;
            Assert.True(DateTime.UtcNow < deadline, $"the guest still {(present ? "lacks" : "has")} the disk at SCSI target 2 ('{name}')");
            await Task.Delay(500);
        }
    }
}
