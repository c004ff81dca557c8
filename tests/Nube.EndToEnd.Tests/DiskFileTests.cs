using System.Diagnostics;
using System.Text.Json;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary><c>nube disk ...</c> against a real nubed and the real qemu-img, in the host's images folder.</summary>
public sealed class DiskFileTests(ITestOutputHelper output)
{
    private static string Images(NubedHost host) => Directory.CreateDirectory(Path.Combine(host.DataDir, "images")).FullName;

    private static async Task<JsonElement> JsonAsync(NubedHost host, params string[] args) =>
        JsonDocument.Parse((await NubeCli.OkAsync(host, [.. args, "--json"])).Stdout).RootElement;

    private static async Task<string> QemuIoAsync(string format, string file, params string[] commands)
    {
        using var p = Process.Start(new ProcessStartInfo("qemu-io", ["-f", format, .. commands.SelectMany(c => new[] { "-c", c }), file])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return text;
    }

    [Fact]
    public async Task New_makes_each_format_dynamic_and_fixed_and_refuses_what_QEMU_cannot_do()
    {
        await using var host = await NubedHost.StartAsync(output);
        var dir = Images(host);
        foreach (var (name, format, isFixed) in new[] { ("a.vhdx", "vhdx", false), ("b.vhdx", "vhdx", true), ("c.vhd", "vhd", false),
                     ("d.vhd", "vhd", true), ("e.qcow2", "qcow2", false), ("f.raw", "raw", false) })
        {
            var made = await JsonAsync(host, ["disk", "new", Path.Combine(dir, name), "--size", "64MiB", "--format", format, .. isFixed ? new[] { "--fixed" } : []]);
            Assert.Equal((format, 64L << 20), (made.GetProperty("format").GetString(), made.GetProperty("virtualSize").GetInt64()));
            // A fixed disk holds every byte now; a dynamic one only its metadata.
            Assert.True(isFixed ? new FileInfo(made.GetProperty("path").GetString()!).Length >= 64L << 20 : made.GetProperty("fileSize").GetInt64() < 16L << 20, name);
        }
        var child = await NubeCli.RunAsync(host, "disk", "new", Path.Combine(dir, "child.vhdx"), "--parent", Path.Combine(dir, "a.vhdx"));
        Assert.Equal(5, child.ExitCode);
        Assert.Contains($"format: VHDX cannot be a differencing child in QEMU 10: make the child as qcow2 ('nube disk new {dir}/child.vhdx --parent {dir}/a.vhdx --format qcow2')",
            NubeCli.Flat(child.Stderr));
        var big = await NubeCli.RunAsync(host, "disk", "new", Path.Combine(dir, "big.vhd"), "--size", "3TiB");
        Assert.Contains("size: '3TiB' is over the limit of 2040 GiB for a VHD disk; VHDX takes up to 64 TiB and qcow2 up to 2048 TiB", NubeCli.Flat(big.Stderr));
        var again = await NubeCli.RunAsync(host, "disk", "new", Path.Combine(dir, "a.vhdx"), "--size", "1GiB");
        Assert.Contains($"path: '{dir}/a.vhdx' already exists; Nube never overwrites a file", NubeCli.Flat(again.Stderr));
        // The test host's roots are its images folder, its own folder and the guest's: /tmp itself is outside them.
        var stray = Path.Combine(Path.GetTempPath(), $"nube-outside-{Guid.NewGuid():N}.qcow2");
        var outside = await NubeCli.RunAsync(host, "disk", "new", stray, "--size", "1GiB");
        Assert.Equal(5, outside.ExitCode);
        Assert.Contains($"path: '{stray}' is outside the host's storage roots", NubeCli.Flat(outside.Stderr));
        var nubes = await NubeCli.RunAsync(host, "disk", "new", Path.Combine(host.DataDir, "x.qcow2"), "--size", "1GiB");
        Assert.Contains("is inside the host's data directory", NubeCli.Flat(nubes.Stderr));
        // A link inside a root that leads out of them is judged where it leads.
        var escape = Path.Combine(dir, "escape.qcow2");
        File.CreateSymbolicLink(escape, stray);
        Assert.Contains($"is not an existing file", NubeCli.Flat((await NubeCli.RunAsync(host, "disk", "show", escape)).Stderr));
        Assert.Contains("already exists", NubeCli.Flat((await NubeCli.RunAsync(host, "disk", "new", escape, "--size", "1GiB")).Stderr));
        Assert.False(File.Exists(stray));
        File.WriteAllBytes(stray, new byte[512]);
        try
        {
            var shown = await NubeCli.RunAsync(host, "disk", "show", escape);
            Assert.Contains($"path: '{escape}', that is '{stray}', is outside the host's storage roots", NubeCli.Flat(shown.Stderr));
        }
        finally
        {
            File.Delete(stray);
        }
        var resize = await NubeCli.RunAsync(host, "disk", "resize", Path.Combine(dir, "a.vhdx"), "--size", "1GiB");
        Assert.Contains($"path: '{dir}/a.vhdx' is a VHDX disk, which QEMU 10 cannot resize; convert it to qcow2", NubeCli.Flat(resize.Stderr));
    }

    [Fact]
    public async Task Show_gives_a_two_level_chain_and_the_VM_that_uses_it_and_remove_refuses_a_parent_or_a_used_disk()
    {
        await using var host = await NubedHost.StartAsync(output);
        var dir = Images(host);
        var (base1, mid, top) = (Path.Combine(dir, "base.vhdx"), Path.Combine(dir, "mid.qcow2"), Path.Combine(dir, "top.qcow2"));
        await NubeCli.OkAsync(host, "disk", "new", base1, "--size", "128MiB");
        await NubeCli.OkAsync(host, "disk", "new", mid, "--parent", base1);
        await NubeCli.OkAsync(host, "disk", "new", top, "--parent", mid, "--format", "qcow2");
        await host.Client.CreateVmAsync(NubedHost.GuestSettings("user") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = top }] }],
        });
        var shown = await JsonAsync(host, "disk", "show", base1);
        Assert.Equal(("vhdx", 128L << 20), (shown.GetProperty("format").GetString(), shown.GetProperty("virtualSize").GetInt64()));
        var user = Assert.Single(shown.GetProperty("usedBy").EnumerateArray());
        Assert.Equal(("user", "off", top), (user.GetProperty("vmName").GetString(), user.GetProperty("state").GetString(), user.GetProperty("through").GetString()));
        var chain = (await JsonAsync(host, "disk", "show", top)).GetProperty("parents").EnumerateArray().Select(p => (p.GetProperty("path").GetString(), p.GetProperty("format").GetString()));
        Assert.Equal([(mid, "qcow2"), (base1, "vhdx")], chain);
        var table = await NubeCli.OkAsync(host, "disk", "show", top);
        Assert.Contains("user (off) scsiControllers[0].disks[0].path", table.Stdout);

        var removeUsed = await NubeCli.RunAsync(host, "disk", "remove", top);
        Assert.Equal(4, removeUsed.ExitCode);
        Assert.Contains($"'{top}' cannot be removed: it is used by VM 'user' (off) as scsiControllers[0].disks[0].path", NubeCli.Flat(removeUsed.Stderr));
        await host.Client.RemoveVmAsync("user");
        var removeParent = await NubeCli.RunAsync(host, "disk", "remove", mid);
        Assert.Contains($"'{mid}' cannot be removed: it is the parent of '{top}'", NubeCli.Flat(removeParent.Stderr));
        await NubeCli.OkAsync(host, "disk", "remove", top);
        Assert.False(File.Exists(top));
        Assert.True(File.Exists(mid));
    }

    [Fact]
    public async Task Convert_shows_progress_and_a_cancelled_convert_leaves_no_partial_file()
    {
        await using var host = await NubedHost.StartAsync(output);
        var dir = Images(host);
        var source = Path.Combine(dir, "source.qcow2");
        await NubeCli.OkAsync(host, "disk", "new", source, "--size", "256MiB");
        Assert.Contains("wrote", await QemuIoAsync("qcow2", source, "write -P 0x5a 0 64M"));

        var copy = Path.Combine(dir, "copy.vhdx");
        var done = await NubeCli.OkAsync(host, "disk", "convert", source, copy);
        Assert.Contains($"Converted '{source}' to '{copy}' (VHDX, 256 MiB).", done.Stdout);
        Assert.Contains("read 1048576/1048576 bytes", await QemuIoAsync("vhdx", copy, "read -P 0x5a 63M 1M"));

        // 4 MiB/s over 64 MiB of data: long enough to cancel in the middle.
        var slow = Path.Combine(dir, "slow.raw");
        var job = await JsonAsync(host, "disk", "convert", source, slow, "--rate", "4MiB", "--no-wait");
        var id = job.GetProperty("id").GetString()!;
        await Poll.UntilAsync(async () => (await host.Client.GetJobAsync(Guid.Parse(id))).Percent is > 0, "the conversion to make progress", TimeSpan.FromSeconds(30));
        Assert.True(File.Exists(slow));
        await NubeCli.OkAsync(host, "job", "cancel", id);
        var ended = await host.Client.GetJobAsync(Guid.Parse(id), 30);
        Assert.Equal("cancelled", ended.State);
        Assert.Contains("the partial copy was deleted and the source is untouched", ended.Problem!.Detail);
        Assert.False(File.Exists(slow));
        Assert.True(File.Exists(source));
        var exists = await NubeCli.RunAsync(host, "disk", "convert", source, copy);
        Assert.Contains($"destination: '{copy}' already exists", NubeCli.Flat(exists.Stderr));
    }

    [Fact]
    public async Task Resize_grows_refuses_a_shrink_without_the_flag_and_grows_a_disk_of_a_running_VM_in_place()
    {
        await using var host = await NubedHost.StartAsync(output);
        var dir = Images(host);
        var disk = Path.Combine(dir, "grow.raw");
        await NubeCli.OkAsync(host, "disk", "new", disk, "--size", "64MiB");
        var grown = await JsonAsync(host, "disk", "resize", disk, "--size", "128MiB");
        Assert.Equal(128L << 20, grown.GetProperty("virtualSize").GetInt64());
        var shrink = await NubeCli.RunAsync(host, "disk", "resize", disk, "--size", "32MiB");
        Assert.Equal(5, shrink.ExitCode);
        Assert.Contains("size: '32MiB' is smaller than the disk's 128 MiB; shrinking cuts off the data at its end", NubeCli.Flat(shrink.Stderr));
        Assert.Equal(32L << 20, (await JsonAsync(host, "disk", "resize", disk, "--size", "32MiB", "--allow-shrink")).GetProperty("virtualSize").GetInt64());

        var vm = await host.Client.CreateVmAsync(NubedHost.GuestSettings("runner") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = disk }] }],
        });
        await host.Client.RunJobAsync("runner", "start");
        // A running VM's own disk grows in place (block_resize); it shrinks only when no VM uses it.
        Assert.Equal(256L << 20, (await JsonAsync(host, "disk", "resize", disk, "--size", "256MiB")).GetProperty("virtualSize").GetInt64());
        var refused = await NubeCli.RunAsync(host, "disk", "resize", disk, "--size", "64MiB", "--allow-shrink");
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains($"'{disk}' cannot be resized: it is used by VM 'runner' (running) as scsiControllers[0].disks[0].path", NubeCli.Flat(refused.Stderr));
        await host.Client.RunJobAsync(vm.Summary.Id.ToString(), "turn-off");
        var offShrink = await NubeCli.RunAsync(host, "disk", "resize", disk, "--size", "16MiB", "--allow-shrink");
        Assert.Contains("used by VM 'runner' (off)", NubeCli.Flat(offShrink.Stderr));
        Assert.Equal(300L << 20, (await JsonAsync(host, "disk", "resize", disk, "--size", "300MiB")).GetProperty("virtualSize").GetInt64());
    }

    [Fact]
    public async Task Merge_writes_the_childs_data_into_its_parent()
    {
        await using var host = await NubedHost.StartAsync(output);
        var dir = Images(host);
        var (parent, child) = (Path.Combine(dir, "parent.qcow2"), Path.Combine(dir, "child.qcow2"));
        await NubeCli.OkAsync(host, "disk", "new", parent, "--size", "64MiB");
        await NubeCli.OkAsync(host, "disk", "new", child, "--parent", parent);
        await QemuIoAsync("qcow2", child, "write -P 0xc3 1M 2M");
        Assert.Contains("Pattern verification failed", await QemuIoAsync("qcow2", parent, "read -P 0xc3 1M 2M"));

        // A VM on another child of the same parent would see its disk change under it.
        var sibling = Path.Combine(dir, "sibling.qcow2");
        await NubeCli.OkAsync(host, "disk", "new", sibling, "--parent", parent);
        await host.Client.CreateVmAsync(NubedHost.GuestSettings("sibling") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = sibling }] }],
        });
        var refused = await NubeCli.RunAsync(host, "disk", "merge", child);
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains($"'{parent}' cannot be merged into: it is used by VM 'sibling' (off) below '{sibling}' in scsiControllers[0].disks[0].path",
            NubeCli.Flat(refused.Stderr));
        await host.Client.RemoveVmAsync("sibling");

        var merged = await NubeCli.OkAsync(host, "disk", "merge", child);
        Assert.Contains($"Merged '{child}' into '{parent}'", merged.Stdout);
        Assert.Contains("read 2097152/2097152 bytes", await QemuIoAsync("qcow2", parent, "read -P 0xc3 1M 2M"));
        var notChild = await NubeCli.RunAsync(host, "disk", "merge", parent);
        Assert.Contains($"path: '{parent}' is not a differencing disk: it has no parent to merge into", NubeCli.Flat(notChild.Stderr));
    }

    [Fact]
    public async Task Check_finds_a_truncated_qcow2_and_names_a_truncated_vhdx()
    {
        await using var host = await NubedHost.StartAsync(output);
        var dir = Images(host);
        var (qcow2, vhdx) = (Path.Combine(dir, "cut.qcow2"), Path.Combine(dir, "cut.vhdx"));
        await NubeCli.OkAsync(host, "disk", "new", qcow2, "--size", "64MiB");
        await NubeCli.OkAsync(host, "disk", "new", vhdx, "--size", "64MiB");
        Assert.True((await JsonAsync(host, "disk", "check", qcow2)).GetProperty("clean").GetBoolean());
        await QemuIoAsync("qcow2", qcow2, "write -P 0xab 0 8M");
        await QemuIoAsync("vhdx", vhdx, "write -P 0xab 0 8M");
        using (var f = new FileStream(qcow2, FileMode.Open)) f.SetLength(1 << 20);
        using (var f = new FileStream(vhdx, FileMode.Open)) f.SetLength(2 << 20);

        var found = await JsonAsync(host, "disk", "check", qcow2);
        Assert.Equal((false, true), (found.GetProperty("clean").GetBoolean(), found.GetProperty("corruptions").GetInt32() > 0));
        Assert.Contains("not clean", (await NubeCli.OkAsync(host, "disk", "check", qcow2)).Stdout);
        var cut = await NubeCli.RunAsync(host, "disk", "check", vhdx);
        Assert.Equal(5, cut.ExitCode);
        Assert.Contains($"path: '{vhdx}' could not be checked: qemu-img: Could not open", NubeCli.Flat(cut.Stderr));
        var vhd = Path.Combine(dir, "plain.vhd");
        await NubeCli.OkAsync(host, "disk", "new", vhd, "--size", "64MiB");
        Assert.Contains("which qemu-img cannot check", NubeCli.Flat((await NubeCli.RunAsync(host, "disk", "check", vhd)).Stderr));
    }

    [Fact]
    public async Task Vm_remove_with_delete_disks_deletes_only_the_disks_nothing_else_needs()
    {
        await using var host = await NubedHost.StartAsync(output);
        var dir = Images(host);
        var (own, shared, parent, child) = (Path.Combine(dir, "own.qcow2"), Path.Combine(dir, "shared.raw"), Path.Combine(dir, "parent.vhdx"),
            Path.Combine(dir, "child.qcow2"));
        await NubeCli.OkAsync(host, "disk", "new", own, "--size", "64MiB");
        await NubeCli.OkAsync(host, "disk", "new", shared, "--size", "64MiB");
        await NubeCli.OkAsync(host, "disk", "new", parent, "--size", "64MiB");
        await NubeCli.OkAsync(host, "disk", "new", child, "--parent", parent);
        // Two VMs share a disk only read-only (one writer per file).
        static ScsiControllerSettings Disks(params string[] paths) =>
            new() { Disks = [.. paths.Select((p, i) => new ScsiDiskSettings { Location = i, Path = p, ReadOnly = p.EndsWith("shared.raw", StringComparison.Ordinal) })] };
        await host.Client.CreateVmAsync(NubedHost.GuestSettings("leaving") with { ScsiControllers = [Disks(own, shared, parent)] });
        await host.Client.CreateVmAsync(NubedHost.GuestSettings("staying") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = shared, ReadOnly = true }] }],
        });

        var removed = await NubeCli.OkAsync(host, "vm", "remove", "leaving", "--delete-disks");
        var rows = removed.Stdout.Split('\n').Select(l => string.Join(' ', l.Split(['│', ' '], StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Contains($"{own} deleted", rows);
        Assert.Contains($"{shared} kept: VM 'staying' uses it", rows);
        Assert.Contains($"{parent} kept: it is the parent of '{child}'", rows);
        Assert.Equal((false, true, true, true), (File.Exists(own), File.Exists(shared), File.Exists(parent), File.Exists(child)));
        var json = JsonDocument.Parse((await NubeCli.OkAsync(host, "vm", "remove", "staying", "--delete-disks", "--json")).Stdout).RootElement;
        var file = Assert.Single(json.GetProperty("diskFiles").EnumerateArray());
        Assert.Equal((shared, true), (file.GetProperty("path").GetString(), file.GetProperty("deleted").GetBoolean()));
        Assert.False(File.Exists(shared));
    }

    [Fact]
    public async Task Check_repair_mends_a_qcow2_left_dirty_and_is_refused_while_a_VM_uses_it()
    {
        await using var host = await NubedHost.StartAsync(output);
        var dir = Images(host);
        var disk = Path.Combine(dir, "dirty.qcow2");
        // Lazy refcounts and a writer that dies: the image is left dirty, its refcounts behind its data.
        using (var make = Process.Start("qemu-img", ["create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on", disk, "64M"]))
            await make.WaitForExitAsync();
        await QemuIoAsync("qcow2", disk, "write -P 0x77 0 4M", "abort");
        Assert.True((await JsonAsync(host, "disk", "show", disk)).GetProperty("dirty").GetBoolean());
        var found = await JsonAsync(host, "disk", "check", disk);
        Assert.Equal((false, true), (found.GetProperty("clean").GetBoolean(), found.GetProperty("fixable").GetBoolean()));

        await host.Client.CreateVmAsync(NubedHost.GuestSettings("holder") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = disk }] }],
        });
        var refused = await NubeCli.RunAsync(host, "disk", "check", disk, "--repair");
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains($"'{disk}' cannot be repaired: it is used by VM 'holder' (off) as scsiControllers[0].disks[0].path", NubeCli.Flat(refused.Stderr));
        await host.Client.RemoveVmAsync("holder");

        var repaired = await JsonAsync(host, "disk", "check", disk, "--repair");
        Assert.True(repaired.GetProperty("repaired").GetInt32() > 0);
        Assert.True((await JsonAsync(host, "disk", "check", disk)).GetProperty("clean").GetBoolean());
        Assert.Contains("read 4194304/4194304 bytes", await QemuIoAsync("qcow2", disk, "read -P 0x77 0 4M"));
    }
}
