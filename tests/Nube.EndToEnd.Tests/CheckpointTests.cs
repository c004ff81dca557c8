using Nube.Contracts.Client;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// Checkpoints on the test guest with a raw SCSI data disk: applied, a production and a standard
/// checkpoint bring back the disk's data (and the standard one the guest's running programs);
/// removed while the VM runs, a checkpoint's overlay is merged into the disk with nothing lost.
/// </summary>
public sealed class CheckpointTests(ITestOutputHelper output)
{
    // The data disk's SCSI target, as the guest names it (host:channel:target:lun).
    private const string Disk = "/dev/$(ls /sys/bus/scsi/devices/*:0:2:0/block)";
    private const string Write = $"head -c 4194304 /dev/urandom > /tmp/data && dd if=/tmp/data of={Disk} bs=1M conv=fsync 2>/dev/null && sha256sum < /tmp/data";
    private const string Read = $"head -c 4194304 {Disk} | sha256sum";

    [Fact]
    public async Task A_production_checkpoint_taken_while_running_and_applied_brings_back_the_disk_s_data()
    {
        await using var host = await NubedHost.StartAsync(output);
        var (id, data) = await StartWithDataDiskAsync(host, "prod");
        var before = GuestShell.Sha256(await GuestShell.RunAsync(host, id, Write));

        var taken = await host.Client.WaitJobAsync((await host.Client.StartCheckpointAsync("prod", new NewCheckpointRequest { Name = "before" })).Id);
        output.WriteLine(taken.Result);
        var tree = await host.Client.ListCheckpointsAsync("prod");
        var checkpoint = Assert.Single(tree.Checkpoints);
        Assert.Equal(("before", "production", false, true), (checkpoint.Name, checkpoint.Kind, checkpoint.HasMemory, checkpoint.Current));
        Assert.Equal(data, Assert.Single(checkpoint.Disks).Image);
        var overlay = (await host.Client.GetVmAsync("prod", 0)).Settings!.ScsiControllers![0].Disks[0].Path;
        Assert.NotEqual(data, overlay);

        Assert.NotEqual(before, GuestShell.Sha256(await GuestShell.RunAsync(host, id, Write)));
        var refused = await Assert.ThrowsAsync<NubeApiException>(async () => await host.Client.WaitJobAsync(
            (await host.Client.StartApplyCheckpointAsync("prod", "before")).Id));
        Assert.Equal("Cannot apply checkpoint 'before' of VM 'prod': it is running; turn it off or save it first.", refused.Problem.Detail);

        await host.Client.RunJobAsync("prod", "turn-off");
        var applied = await host.Client.WaitJobAsync((await host.Client.StartApplyCheckpointAsync("prod", "before")).Id);
        Assert.Equal("Applied checkpoint 'before'; the VM is off.", applied.Result);
        // The state written after the checkpoint is gone with its overlay; the checkpoint stays, to be applied again.
        Assert.False(File.Exists(overlay));
        Assert.True(File.Exists(data));
        await host.Client.RunJobAsync("prod", "start", agentWaitSeconds: 60);
        Assert.Equal(before, GuestShell.Sha256(await GuestShell.RunAsync(host, id, Read)));

        // A guest that cannot freeze (its backup service off) gets no production checkpoint, unless a standard one will do.
        await host.Client.SetIntegrationServiceAsync("prod", "backup", false);
        var unfrozen = await Assert.ThrowsAsync<NubeApiException>(async () => await host.Client.WaitJobAsync(
            (await host.Client.StartCheckpointAsync("prod", new NewCheckpointRequest { Name = "frozen" })).Id));
        Assert.Equal("Cannot take production checkpoint 'frozen' of VM 'prod': Cannot freeze VM 'prod': its backup integration service is disabled. " +
            "Take a standard checkpoint, or ask for one when the guest cannot freeze (--fallback standard; in the API, fallback: standard).",
            unfrozen.Problem.Detail);
        var fallback = await host.Client.WaitJobAsync((await host.Client.StartCheckpointAsync("prod",
            new NewCheckpointRequest { Name = "frozen", Fallback = "standard" })).Id);
        Assert.EndsWith(", standard because the guest could not freeze.", fallback.Result);
        Assert.Equal(["before", "frozen"], Flatten((await host.Client.ListCheckpointsAsync("prod")).Checkpoints).Select(c => c.Name));
    }

    private static IEnumerable<CheckpointInfo> Flatten(IEnumerable<CheckpointInfo> tree) => tree.SelectMany(c => Flatten(c.Children).Prepend(c));

    [Fact]
    public async Task A_standard_checkpoint_applied_resumes_the_guest_where_it_was_with_its_disk()
    {
        await using var host = await NubedHost.StartAsync(output);
        var (id, _) = await StartWithDataDiskAsync(host, "std");
        await GuestShell.RunAsync(host, id, "sh -c 'i=0; while true; do i=$((i+1)); echo $i > /tmp/counter; sleep 0.2; done' >/dev/null 2>&1 & true");
        var before = GuestShell.Sha256(await GuestShell.RunAsync(host, id, Write));
        var atCheckpoint = Counter(await GuestShell.RunAsync(host, id, "cat /tmp/counter"));

        await host.Client.WaitJobAsync((await host.Client.StartCheckpointAsync("std", new NewCheckpointRequest { Name = "running", Kind = "standard" })).Id);
        Assert.True(Assert.Single((await host.Client.ListCheckpointsAsync("std")).Checkpoints).HasMemory);
        Assert.NotEqual(before, GuestShell.Sha256(await GuestShell.RunAsync(host, id, Write)));
        await Task.Delay(TimeSpan.FromSeconds(4));
        var later = Counter(await GuestShell.RunAsync(host, id, "cat /tmp/counter"));
        output.WriteLine($"counter at the checkpoint ~{atCheckpoint}, 4 s later {later}");

        await host.Client.RunJobAsync("std", "turn-off");
        var applied = await host.Client.WaitJobAsync((await host.Client.StartApplyCheckpointAsync("std", "running")).Id);
        Assert.Equal("Applied checkpoint 'running'; the VM runs on from it.", applied.Result);
        Assert.Equal("running", (await host.Client.GetVmAsync("std", 0)).Summary.State);
        // A guest booted afresh would have no counter (/tmp is in memory): it goes on from the checkpoint's value.
        var resumed = Counter(await GuestShell.RunAsync(host, id, "cat /tmp/counter"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var running = Counter(await GuestShell.RunAsync(host, id, "cat /tmp/counter"));
        output.WriteLine($"after apply {resumed}, a second later {running}");
        Assert.InRange(resumed, atCheckpoint, later - 1);
        Assert.True(running > resumed, $"the counter stood still at {resumed}");
        Assert.Equal(before, GuestShell.Sha256(await GuestShell.RunAsync(host, id, Read)));
    }

    [Fact]
    public async Task A_checkpoint_removed_while_running_is_merged_into_the_disk_with_the_data_intact()
    {
        await using var host = await NubedHost.StartAsync(output);
        var (id, data) = await StartWithDataDiskAsync(host, "merge");
        await GuestShell.RunAsync(host, id, Write);
        await host.Client.WaitJobAsync((await host.Client.StartCheckpointAsync("merge", new NewCheckpointRequest { Name = "gone", Kind = "standard" })).Id);
        var overlay = (await host.Client.GetVmAsync("merge", 0)).Settings!.ScsiControllers![0].Disks[0].Path;
        var after = GuestShell.Sha256(await GuestShell.RunAsync(host, id, Write));

        var removed = await host.Client.WaitJobAsync((await host.Client.StartRemoveCheckpointAsync("merge", "gone")).Id);
        Assert.Equal("Removed checkpoint 'gone'; its disks were merged.", removed.Result);
        Assert.Empty((await host.Client.ListCheckpointsAsync("merge")).Checkpoints);
        Assert.Equal(data, (await host.Client.GetVmAsync("merge", 0)).Settings!.ScsiControllers![0].Disks[0].Path);
        Assert.False(File.Exists(overlay));
        Assert.Equal(after, GuestShell.Sha256(await GuestShell.RunAsync(host, id, Read)));

        // On the host, the disk file itself now holds what the guest wrote after the checkpoint.
        await host.Client.RunJobAsync("merge", "turn-off");
        var onHost = await HostProgram.RunAsync("sh", "-c", $"head -c 4194304 '{data}' | sha256sum");
        Assert.Equal(after, GuestShell.Sha256(onHost.Stdout));
    }

    [Fact]
    public async Task A_checkpoint_taken_off_is_merged_while_running_into_the_image_the_start_opened_read_only()
    {
        await using var host = await NubedHost.StartAsync(output);
        var data = Path.Combine(host.Root, "cold-data.raw");
        Assert.Equal(0, (await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "raw", data, "64M")).ExitCode);
        var created = await host.Client.CreateVmAsync(NubedHost.GuestSettings("cold") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 2, Path = data }] }],
        });
        await host.Client.WaitJobAsync((await host.Client.StartCheckpointAsync("cold", new NewCheckpointRequest { Name = "cold" })).Id);
        await host.Client.RunJobAsync("cold", "start", agentWaitSeconds: 60);
        var after = GuestShell.Sha256(await GuestShell.RunAsync(host, created.Summary.Id, Write));

        await host.Client.WaitJobAsync((await host.Client.StartRemoveCheckpointAsync("cold", "cold")).Id);
        Assert.Equal(data, (await host.Client.GetVmAsync("cold", 0)).Settings!.ScsiControllers![0].Disks[0].Path);
        Assert.Equal(after, GuestShell.Sha256(await GuestShell.RunAsync(host, created.Summary.Id, Read)));
        // QEMU now runs the disk on the node of its former backing image: a hot remove waits for the next start.
        var hotRemove = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.SetVmAsync("cold",
            new VmSettings { ScsiControllers = [new ScsiControllerSettings { Disks = [] }] }));
        Assert.Contains("scsiControllers[0].disks[0].path: disk disk0 was merged while the VM ran and cannot be removed or changed until the VM is turned off",
            hotRemove.Message);
        await host.Client.RunJobAsync("cold", "turn-off");
        Assert.Equal(after, GuestShell.Sha256((await HostProgram.RunAsync("sh", "-c", $"head -c 4194304 '{data}' | sha256sum")).Stdout));
    }

    [Fact]
    public async Task Off_checkpoints_through_the_CLI_make_a_tree_hold_their_disk_and_merge_back_into_it()
    {
        await using var host = await NubedHost.StartAsync(output);
        var data = Path.Combine(host.Root, "off-data.raw");
        Assert.Equal(0, (await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "raw", data, "16M")).ExitCode);
        await host.Client.CreateVmAsync(NubedHost.GuestSettings("off") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = data }] }],
        });
        Assert.Contains("Took production checkpoint 'first'", NubeCli.Flat((await NubeCli.OkAsync(host, "vm", "checkpoint", "new", "off", "--name", "first")).Stdout));
        await NubeCli.OkAsync(host, "vm", "checkpoint", "new", "off", "--name", "second", "--kind", "standard");
        Assert.Contains("is now named 'base'", (await NubeCli.OkAsync(host, "vm", "checkpoint", "rename", "off", "first", "base")).Stdout);
        var bad = await NubeCli.RunAsync(host, "vm", "checkpoint", "new", "off", "--kind", "memory");
        Assert.Contains("kind: 'memory' is not one of production or standard", NubeCli.Flat(bad.Stderr));

        var removeDisk = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.SetVmAsync("off",
            new VmSettings { ScsiControllers = [new ScsiControllerSettings { Disks = [] }] }));
        Assert.Contains("scsiControllers[0].disks[0].path: disk disk0 is in checkpoints of this VM; remove its checkpoints first", removeDisk.Message);

        // base, second under it, Now under second; applying base hangs Now under base, beside second.
        var lines = Rows((await NubeCli.OkAsync(host, "vm", "checkpoint", "list", "off")).Stdout);
        Assert.Equal(["base", "└─ second", "   └─ Now"], lines);
        await NubeCli.OkAsync(host, "vm", "checkpoint", "apply", "off", "base");
        Assert.Equal(["base", "├─ second", "└─ Now"], Rows((await NubeCli.OkAsync(host, "vm", "checkpoint", "list", "off")).Stdout));

        // What the VM writes from base on (here, written on the host) is merged into the disk file when base goes.
        var now = (await host.Client.GetVmAsync("off", 0)).Settings!.ScsiControllers![0].Disks[0].Path!;
        Assert.Equal(0, (await HostProgram.RunAsync("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 1M", now)).ExitCode);
        await NubeCli.OkAsync(host, "vm", "checkpoint", "remove", "off", "second");
        await NubeCli.OkAsync(host, "vm", "checkpoint", "remove", "off", "base");
        Assert.Empty((await host.Client.ListCheckpointsAsync("off")).Checkpoints);
        Assert.Equal(data, (await host.Client.GetVmAsync("off", 0)).Settings!.ScsiControllers![0].Disks[0].Path);
        Assert.Equal([data], Directory.GetFiles(host.Root, "off-data*"));
        var read = await HostProgram.RunAsync("qemu-io", "-f", "raw", "-c", "read -P 0x5a 0 1M", data);
        Assert.True(read.ExitCode == 0 && !read.Stdout.Contains("failed", StringComparison.Ordinal), read.Stdout + read.Stderr);
    }

    /// <summary>The first column of the CLI's table, its tree drawing kept.</summary>
    private static string[] Rows(string table) => [.. table.Split('\n')
        .Where(l => l.StartsWith('│') && !l.Contains("Checkpoint", StringComparison.Ordinal))
        .Select(l => l.Split('│')[1].TrimEnd())
        .Select(l => l.StartsWith(' ') ? l[1..] : l)];

    /// <summary>A guest VM with a 64 MiB raw disk at SCSI target 2, running, its agent answering.</summary>
    private static async Task<(Guid Id, string Data)> StartWithDataDiskAsync(NubedHost host, string name)
    {
        var data = Path.Combine(host.Root, $"{name}-data.raw");
        var made = await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "raw", data, "64M");
        Assert.True(made.ExitCode == 0, made.Stderr);
        var created = await host.Client.CreateVmAsync(NubedHost.GuestSettings(name) with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 2, Path = data }] }],
        });
        await host.Client.RunJobAsync(name, "start", agentWaitSeconds: 60);
        return (created.Summary.Id, data);
    }

    private static int Counter(string text) => int.Parse(text.Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture);

}
