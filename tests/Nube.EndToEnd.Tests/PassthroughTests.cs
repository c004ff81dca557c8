using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>A host block device (a loop device here) as a passthrough disk: only when the host names it, hot added and removed, never while mounted.</summary>
public sealed class PassthroughTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_loop_device_named_by_the_host_is_hot_added_keeps_its_data_and_is_refused_while_mounted()
    {
        await using var host = await NubedHost.StartAsync(output);
        await using var loop = await LoopDevice.CreateAsync(Path.Combine(host.Root, "pass.img"));
        await using var mounted = await LoopDevice.CreateAsync(Path.Combine(host.Root, "mounted.img"));
        var mountPoint = Directory.CreateDirectory(Path.Combine(host.Root, "mnt")).FullName;
        Assert.Equal(0, (await HostProgram.RunAsync("mkfs.ext4", "-q", mounted.Path)).ExitCode);
        Assert.Equal(0, (await HostProgram.RunAsync("mount", mounted.Path, mountPoint)).ExitCode);
        try
        {
            var created = await host.Client.CreateVmAsync(NubedHost.GuestSettings("pass") with { ScsiControllers = [new ScsiControllerSettings { Disks = [] }] });
            var id = created.Summary.Id;
            await host.Client.RunJobAsync("pass", "start");
            Assert.True((await host.Client.GetVmAsync("pass", 60)).GuestAgent?.Responding);

            var unnamed = await NubeCli.RunAsync(host, "vm", "disk", "add", "pass", loop.Path, "--at", "scsi0:2");
            Assert.NotEqual(0, unnamed.ExitCode);
            Assert.Contains($"'{loop.Path}' is a host device that is not a passthrough device of this host", NubeCli.Flat(unnamed.Stderr));

            var named = await NubeCli.RunAsync(host, "host", "set", "--passthrough-device", loop.Path, "--passthrough-device", mounted.Path);
            Assert.True(named.ExitCode == 0, named.Stderr);
            var busy = await NubeCli.RunAsync(host, "vm", "disk", "add", "pass", mounted.Path, "--at", "scsi0:3");
            Assert.NotEqual(0, busy.ExitCode);
            Assert.Contains("it is in use: mounted on the host, or another VM has it", NubeCli.Flat(busy.Stderr));

            await NubeCli.OkAsync(host, "vm", "disk", "add", "pass", loop.Path, "--at", "scsi0:2");
            var device = await SeenAsync(host, id, present: true);
            var written = await GuestShell.RunAsync(host, id,
                $"head -c 1048576 /dev/urandom > /tmp/d && dd if=/tmp/d of=/dev/{device} bs=64k conv=fsync 2>/dev/null && sha256sum < /tmp/d");
            await NubeCli.OkAsync(host, "vm", "disk", "remove", "pass", "scsi0:2");
            await SeenAsync(host, id, present: false);
            await NubeCli.OkAsync(host, "vm", "disk", "add", "pass", loop.Path, "--at", "scsi0:2");
            device = await SeenAsync(host, id, present: true);
            var read = await GuestShell.RunAsync(host, id, $"head -c 1048576 /dev/{device} | sha256sum");
            Assert.Equal(GuestShell.Sha256(written), GuestShell.Sha256(read));
        }
        finally
        {
            await HostProgram.RunAsync("umount", mountPoint);
        }
    }

    private static async Task<string> SeenAsync(NubedHost host, Guid vm, bool present)
    {
        var name = "";
        await Poll.UntilAsync(async () =>
        {
            name = await GuestShell.ScsiDiskAsync(host, vm, 2);
            return present ? name.StartsWith("sd", StringComparison.Ordinal) : name.Length == 0;
        }, present ? "the guest to see the disk" : "the disk to leave the guest", TimeSpan.FromSeconds(30));
        return name;
    }

    /// <summary>A loop device over a 32 MiB file of the test's own, detached at the end.</summary>
    private sealed class LoopDevice : IAsyncDisposable
    {
        private LoopDevice(string path) => Path = path;

        public string Path { get; }

        public static async Task<LoopDevice> CreateAsync(string file)
        {
            await using (var f = File.Create(file))
                f.SetLength(32 << 20);
            var made = await HostProgram.RunAsync("losetup", "--find", "--show", file);
            Assert.True(made.ExitCode == 0, made.Stderr);
            return new LoopDevice(made.Stdout.Trim());
        }

        public async ValueTask DisposeAsync() => await HostProgram.RunAsync("losetup", "-d", Path);
    }
}
