using Nube.Contracts.Client;
using Nube.Contracts.Events;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// Disks are safe: one writer per file, a damaged image refused by name before QEMU starts, a
/// full host disk pauses the VM until space is freed, and VHD and VHDX images boot.
/// </summary>
public sealed class DiskSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_disk_used_by_another_vm_or_twice_by_one_is_refused_and_read_only_images_are_shared()
    {
        await using var host = await NubedHost.StartAsync(output);
        var shared = await MakeImageAsync(host, "shared.vhdx", "vhdx");
        var link = Path.Combine(host.Root, "link.vhdx");
        File.CreateSymbolicLink(link, shared);
        await host.Client.CreateVmAsync(WithScsi("db", Disk(0, shared)));

        // Through a link it is the same file.
        var taken = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.CreateVmAsync(WithScsi("web", Disk(0, link))));
        Assert.Equal(400, taken.Status);
        Assert.Contains($"scsiControllers[0].disks[0].path: '{link}' is already a disk of VM 'db' (scsiControllers[0].disks[0]); " +
            "a disk is used by one VM at a time", taken.Message);
        var own = await MakeImageAsync(host, "own.vhdx", "vhdx");
        var twice = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.CreateVmAsync(WithScsi("web", Disk(0, own), Disk(1, own))));
        Assert.Contains($"scsiControllers[0].disks[1].path: '{own}' is already a disk of this VM (scsiControllers[0].disks[0]); " +
            "a disk is used at one place at a time", twice.Message);
        Assert.Equal(["db"], (await host.Client.ListVmsAsync()).Select(v => v.Name));

        // Read-only, it may be shared; a running VM's hot add of the writable disk is refused before QEMU is asked.
        var tools = await MakeImageAsync(host, "tools.vhdx", "vhdx");
        await host.Client.SetVmAsync("db", new VmSettings
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [Disk(0, shared), Disk(1, tools) with { ReadOnly = true }] }],
        });
        var web = await host.Client.CreateVmAsync(WithScsi("web", Disk(0, own), Disk(1, tools) with { ReadOnly = true }));
        await host.Client.RunJobAsync("web", "start");
        var hotAdd = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.SetVmAsync("web", new VmSettings
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [Disk(0, own), Disk(1, tools) with { ReadOnly = true }, Disk(2, shared)] }],
        }));
        Assert.Contains($"scsiControllers[0].disks[2].path: '{shared}' is already a disk of VM 'db' (scsiControllers[0].disks[0]); " +
            "a disk is used by one VM at a time", hotAdd.Message);
        var now = await host.Client.GetVmAsync("web", 0);
        Assert.Equal(("running", 2), (now.Summary.State, now.Settings!.ScsiControllers![0].Disks.Count));
        Assert.DoesNotContain(await host.Client.ListJobsAsync("web"), j => j.Kind == "change-devices");
        Assert.Equal(web.Summary.Id, now.Summary.Id);
    }

    [Fact]
    public async Task A_truncated_vhdx_or_qcow2_is_refused_by_field_and_file_and_nothing_else_is_touched()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.Client.CreateVmAsync(WithScsi("other"));
        await host.Client.RunJobAsync("other", "start", agentWaitSeconds: 180);
        var sound = await MakeImageAsync(host, "sound.raw", "raw");
        var vhdx = await TruncatedCopyAsync(host, "cut.vhdx", "vhdx");
        var qcow2 = await TruncatedCopyAsync(host, "cut.qcow2", "qcow2");
        var before = await HashesAsync(sound, vhdx, qcow2);
        await host.Client.CreateVmAsync(WithScsi("broken", Disk(0, sound), Disk(1, vhdx), Disk(2, qcow2)));

        var start = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.RunJobAsync("broken", "start"));
        output.WriteLine(start.Message);
        Assert.Contains($"scsiControllers[0].disks[1].path: '{vhdx}' cannot be opened as a vhdx image: VHDX BAT entry", start.Message);
        Assert.Contains("Image has probably been truncated.", start.Message);
        Assert.Contains($"scsiControllers[0].disks[2].path: '{qcow2}' is damaged: qemu-img check found ", start.Message);
        Assert.Contains("corrupt clusters (a truncated or overwritten image); restore it from a backup, or repair a copy with 'qemu-img check -r all'",
            start.Message);
        Assert.Equal("off", (await host.Client.GetVmAsync("broken", 0)).Summary.State);
        Assert.Equal(before, await HashesAsync(sound, vhdx, qcow2));

        // Hot added to a running VM, a truncated image is refused the same way, before QEMU is asked.
        var another = await TruncatedCopyAsync(host, "cut-too.vhdx", "vhdx");
        var hotAdd = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.SetVmAsync("other",
            new VmSettings { ScsiControllers = [new ScsiControllerSettings { Disks = [Disk(0, another)] }] }));
        Assert.Contains($"scsiControllers[0].disks[0].path: '{another}' cannot be opened as a vhdx image: VHDX BAT entry", hotAdd.Message);
        var other = await host.Client.GetVmAsync("other", 5);
        Assert.Equal(("running", true, 0), (other.Summary.State, other.GuestAgent?.Responding, other.Settings!.ScsiControllers![0].Disks.Count));
        Assert.DoesNotContain(await host.Client.ListJobsAsync("other"), j => j.Kind == "change-devices");
    }

    [Fact]
    public async Task A_disk_a_process_outside_nube_holds_is_refused_by_qemu_s_image_lock_naming_the_field_and_the_file()
    {
        await using var host = await NubedHost.StartAsync(output);
        var disk = await MakeImageAsync(host, "held.raw", "raw");
        await host.Client.CreateVmAsync(WithScsi("late", Disk(0, disk)));
        // Another QEMU, not Nube's, holds the image's write lock: Nube's own check cannot know it, QEMU's lock does.
        using var holder = System.Diagnostics.Process.Start("timeout", ["120", "qemu-system-x86_64", "-accel", "tcg", "-S", "-nodefaults",
            "-display", "none", "-monitor", "none", "-serial", "none", "-drive", $"file={disk},format=raw,if=ide"])!;
        try
        {
            // A writer (qemu-io opens read-write) is refused once the image is locked.
            await Poll.UntilAsync(async () => (await HostProgram.RunAsync("qemu-io", "-f", "raw", "-c", "read 0 512", disk)).ExitCode != 0,
                "the other QEMU to lock the image", TimeSpan.FromSeconds(60));
            var refused = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.RunJobAsync("late", "start"));
            output.WriteLine(refused.Message);
            Assert.Contains($"scsiControllers[0].disks[0].path: '{disk}': QEMU ", refused.Message);
            Assert.Contains("Failed to get \"write\" lock", refused.Message);
            Assert.Contains($"Is another process using the image [{disk}]?", refused.Message);
            Assert.Equal("off", (await host.Client.GetVmAsync("late", 0)).Summary.State);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_full_host_disk_pauses_the_vm_with_the_reason_and_a_resume_after_freeing_space_loses_nothing()
    {
        await using var host = await NubedHost.StartAsync(output);
        // A 12 MiB file system of the test's own with 6 MiB taken, under the host's storage roots.
        var small = Path.Combine(host.Root, "small");
        Directory.CreateDirectory(small);
        var mounted = await HostProgram.RunAsync("mount", "-t", "tmpfs", "-o", "size=12m,mode=755", "nube-full-test", small);
        Assert.True(mounted.ExitCode == 0, mounted.Stderr);
        try
        {
            var filler = Path.Combine(small, "filler");
            await File.WriteAllBytesAsync(filler, new byte[6 << 20]);
            var disk = Path.Combine(small, "data.raw");
            Assert.Equal(0, (await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "raw", disk, "16M")).ExitCode);
            var vm = await host.Client.CreateVmAsync(WithScsi("filling", Disk(0, disk)));
            var id = vm.Summary.Id;
            var reasons = new List<string>();
            using var follow = new CancellationTokenSource();
            var watcher = Task.Run(async () =>
            {
                await foreach (var e in host.Client.FollowEventsAsync(ct: follow.Token))
                    if (e.VmId == id && e is { Type: HostEventTypes.VmStateChanged, Reason: { } reason })
                        lock (reasons)
                            reasons.Add(reason);
            });
            await host.Client.RunJobAsync("filling", "start", agentWaitSeconds: 180);
            var device = (await GuestShell.RunAsync(host, id, "ls /sys/bus/scsi/devices/*:0:0:0/block")).Trim();

            // 8 MiB for a disk whose file system has 6 left: the write stops part way, the VM with it.
            var writing = GuestShell.RunAsync(host, id,
                $"head -c 8388608 /dev/urandom > /tmp/data && dd if=/tmp/data of=/dev/{device} bs=1M conv=fsync 2>/dev/null && sha256sum < /tmp/data",
                TimeSpan.FromMinutes(5));
            var expected = $"paused: the host's disk is full writing '{disk}' (SCSI 0:0); free space and resume it";
            VmDetails paused = null!;
            await Poll.UntilAsync(async () => (paused = await host.Client.GetVmAsync("filling", 0)).Summary.State == "paused",
                "the VM pauses on the full disk", TimeSpan.FromMinutes(3));
            Assert.Equal(expected, paused.Summary.StateReason);
            await Poll.UntilAsync(() => { lock (reasons) return Task.FromResult(reasons.Contains(expected)); }, "the state event with the reason",
                TimeSpan.FromSeconds(10));
            Assert.False(writing.IsCompleted);

            File.Delete(filler);
            await host.Client.RunJobAsync("filling", "resume");
            var written = GuestShell.Sha256(await writing);
            var read = GuestShell.Sha256(await GuestShell.RunAsync(host, id, $"head -c 8388608 /dev/{device} | sha256sum"));
            Assert.Equal(written, read);
            Assert.Equal(written, GuestShell.Sha256(await HostProgram.OutputAsync("sh", "-c", $"head -c 8388608 '{disk}' | sha256sum")));
            var running = await host.Client.GetVmAsync("filling", 0);
            Assert.Equal(("running", null), (running.Summary.State, running.Summary.StateReason));
            await follow.CancelAsync();
            await watcher.ContinueWith(_ => { });
        }
        finally
        {
            // The VM's QEMU may still hold the disk: a lazy unmount lets go of the folder now, the memory when QEMU ends.
            await HostProgram.RunAsync("umount", "-l", small);
        }
    }

    /// <remarks>Each format boots once, each generation once: two guests, not four (the suite's time).</remarks>
    [Fact]
    public async Task A_generation_1_vm_boots_from_an_ide_disk_in_VHD_and_a_generation_2_vm_from_a_scsi_disk_in_VHDX()
    {
        await using var host = await NubedHost.StartAsync(output);
        var bios = await ConvertAsync(host, TestGuest.BootDisk, "bios.vhd", "vpc");
        var uefi = await ConvertAsync(host, TestGuest.EfiDisk, "uefi.vhdx", "vhdx");
        var gen1 = await NubeCli.RunAsync(host, "vm", "new", "gen1", "--boot-disk", bios, "--memory", "512", "--json");
        Assert.True(gen1.ExitCode == 0, gen1.Stderr);
        var gen2 = await NubeCli.RunAsync(host, "vm", "new", "gen2", "--generation", "2", "--boot-disk", uefi, "--memory", "512",
            "--nic", "synthetic", "--json");
        Assert.True(gen2.ExitCode == 0, gen2.Stderr);

        await Task.WhenAll(host.Client.RunJobAsync("gen1", "start", agentWaitSeconds: 300), host.Client.RunJobAsync("gen2", "start", agentWaitSeconds: 300));
        foreach (var (name, place) in new[] { ("gen1", "IDE 0:0"), ("gen2", "SCSI 0:0") })
        {
            var vm = await host.Client.GetVmAsync(name, 0);
            Assert.Contains(vm.Devices!, d => d.Name == place && d.Detail!.EndsWith("boot disk", StringComparison.Ordinal));
            // The boot loader on the disk, not QEMU's -kernel, loaded this kernel.
            Assert.Contains("BOOT_IMAGE=/vmlinuz", await GuestShell.RunAsync(host, vm.Summary.Id, "cat /proc/cmdline"));
        }
    }

    private static VmSettings WithScsi(string name, params ScsiDiskSettings[] disks) =>
        NubedHost.GuestSettings(name) with { ScsiControllers = [new ScsiControllerSettings { Disks = disks }] };

    private static ScsiDiskSettings Disk(int location, string path) => new() { Location = location, Path = path };

    private static async Task<string> MakeImageAsync(NubedHost host, string name, string format)
    {
        var path = Path.Combine(host.Root, name);
        var made = await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", format, path, "64M");
        Assert.True(made.ExitCode == 0, made.Stderr);
        return path;
    }

    /// <summary>The guest's boot disk (which has data all over) in <paramref name="format"/>, cut to half its length as a failed copy leaves it.</summary>
    private static async Task<string> TruncatedCopyAsync(NubedHost host, string name, string format)
    {
        var path = await ConvertAsync(host, TestGuest.BootDisk, name, format);
        using (var file = new FileStream(path, FileMode.Open))
            file.SetLength(file.Length / 2);
        return path;
    }

    private static async Task<string> ConvertAsync(NubedHost host, string raw, string name, string format)
    {
        var path = Path.Combine(host.Root, name);
        // A VHD keeps the exact size with force_size (else its geometry rounds it, and GPT's backup header is no longer at the end).
        string[] options = format == "vpc" ? ["-o", "force_size=on"] : [];
        var made = await HostProgram.RunAsync("qemu-img", ["convert", "-f", "raw", "-O", format, .. options, raw, path]);
        Assert.True(made.ExitCode == 0, made.Stderr);
        return path;
    }

    private static async Task<string> HashesAsync(params string[] files) =>
        await HostProgram.OutputAsync("sha256sum", files);

}
