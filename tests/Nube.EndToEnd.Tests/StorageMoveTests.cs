using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>A running guest's disk moved to another folder of its host while the guest writes to it.</summary>
public sealed class StorageMoveTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_running_guests_disk_moves_to_another_folder_with_its_data_and_the_writes_made_meanwhile()
    {
        await using var host = await NubedHost.StartAsync(output);
        var first = Directory.CreateDirectory(Path.Combine(host.Root, "first")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(host.Root, "second")).FullName;
        var disk = Path.Combine(first, "data.qcow2");
        Assert.Equal(0, (await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "qcow2", disk, "256M")).ExitCode);
        var vm = (await host.Client.CreateVmAsync(NubedHost.GuestSettings("keeper") with
        {
            NetworkAdapters = [],
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 1, Path = disk }] }],
        })).Summary.Id;
        await host.Client.RunJobAsync("keeper", "start", agentWaitSeconds: 120);
        var dev = await GuestShell.ScsiDiskAsync(host, vm, 1);
        Assert.Matches("^sd[a-z]+$", dev);

        // Data written before, then a writer that goes on while the disk moves under it.
        var before = GuestShell.Sha256(await GuestShell.RunAsync(host, vm,
            $"dd if=/dev/urandom of=/dev/{dev} bs=1M count=32 conv=fsync 2>/dev/null; dd if=/dev/{dev} bs=1M count=32 2>/dev/null | sha256sum"));
        await GuestShell.SendAsync(host, vm,
            $"(i=0; while [ $i -lt 400 ]; do dd if=/dev/urandom of=/dev/{dev} bs=64k count=1 seek=$((1024 + i)) conv=fsync 2>/dev/null; i=$((i+1)); done; echo W''ROTE-ALL) &");

        var moved = await NubeCli.OkAsync(host, "vm", "move-storage", "keeper", "--to", second);
        Assert.Contains($"Moved 1 disk file(s) of VM 'keeper' to '{second}' while it ran.", NubeCli.Flat(moved.Stdout), StringComparison.Ordinal);

        // The VM runs on the new file, stored as such; the old file is gone; the data is whole.
        var now = await host.Client.GetVmAsync("keeper", 0);
        Assert.Equal("running", now.Summary.State);
        Assert.Equal(Path.Combine(second, "data.qcow2"), now.Settings!.ScsiControllers!.Single().Disks!.Single().Path);
        Assert.False(File.Exists(disk));
        Assert.True(File.Exists(Path.Combine(second, "data.qcow2")));
        await host.WaitForSerialLineAsync(vm, l => l.Contains("WROTE-ALL", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        var after = GuestShell.Sha256(await GuestShell.RunAsync(host, vm, $"echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/{dev} bs=1M count=32 2>/dev/null | sha256sum"));
        Assert.Equal(before, after);
        // What the guest wrote during the move is in the new file: read back through a fresh QEMU.
        var inGuest = GuestShell.Sha256(await GuestShell.RunAsync(host, vm, $"dd if=/dev/{dev} bs=64k skip=1024 count=400 2>/dev/null | sha256sum"));
        await host.Client.RunJobAsync("keeper", "turn-off");
        var raw = Path.Combine(host.Root, "check.raw");
        var onHost = await HostProgram.OutputAsync("sh", "-c",
            $"qemu-img convert -O raw '{Path.Combine(second, "data.qcow2")}' '{raw}' && dd if='{raw}' bs=64k skip=1024 count=400 2>/dev/null | sha256sum");
        Assert.Equal(inGuest, GuestShell.Sha256(onHost));
        Assert.Single(await host.Client.ListJobsAsync(), j => j.Kind == "move-storage" && j.State == JobStates.Completed);
    }
}
