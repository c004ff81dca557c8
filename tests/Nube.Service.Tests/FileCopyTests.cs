using System.Security.Cryptography;
using Nube.Core.Vms;
using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;
using Nube.Core.Integration;
using Nube.Core.Validation;
using Nube.Service.Jobs;
using Nube.Service.Tests.Fakes;
using Nube.Service.Tests.Harness;
using Nube.Service.Vms;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Integration;

namespace Nube.Service.Tests;

/// <summary>copy-file on a fake guest: chunks and progress, the checksum, refusals, cancel.</summary>
public sealed class FileCopyTests(ITestOutputHelper output)
{
    private static async Task<(ServiceHarness Host, VmController Vm, FakeQemu Qemu, string Source, byte[] Bytes)> ArrangeAsync(
        ITestOutputHelper output, int size = 200_000)
    {
        var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        await vm.ChangeAsync(new SwitchIntegrationService(IntegrationService.GuestServices, true));
        qemu.StartAgent();
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        var source = Path.Combine(host.Options.DataDir, "images", "payload.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        await File.WriteAllBytesAsync(source, bytes);
        return (host, vm, qemu, source, bytes);
    }

    private static Job Copy(ServiceHarness host, VmController vm, string source, string destination, bool createPath = false, bool overwrite = false) =>
        FileCopyOperation.Start(vm, new FileCopyRequest { Source = source, Destination = destination, CreatePath = createPath, Overwrite = overwrite },
            StorageRootRules.Roots(host.Options.DataDir, host.Host.Config), host.Options.DataDir);

    [Fact]
    public async Task A_file_goes_in_48_KiB_chunks_with_progress_under_a_temporary_name_and_is_renamed_once_verified()
    {
        var (host, vm, qemu, source, bytes) = await ArrangeAsync(output);
        await using var _ = host;
        var percents = new List<int>();
        var job = Copy(host, vm, source, "/root/in/payload.bin", createPath: true);
        while (!job.IsEnded)
        {
            if (job.Info.Percent is { } p && (percents.Count == 0 || percents[^1] != p))
                percents.Add(p);
            await Task.Delay(1);
        }

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Matches(@"^Copied 195\.3 KiB to /root/in/payload\.bin in \d+\.\d s \(sha256 verified\)\.$", job.Info.Result);
        Assert.Equal(bytes, qemu.GuestFiles.Files["/root/in/payload.bin"]);
        Assert.Equal(["/root/in/payload.bin"], qemu.GuestFiles.Files.Keys);
        Assert.Equal(5, qemu.GuestFiles.Writes); // 200,000 bytes in chunks of 49,152
        Assert.Equal(percents.Order(), percents);
    }

    [Fact]
    public async Task An_existing_file_is_replaced_only_with_overwrite()
    {
        var (host, vm, qemu, source, bytes) = await ArrangeAsync(output);
        await using var _ = host;
        qemu.GuestFiles.Files["/root/payload.bin"] = "old"u8.ToArray();

        var refused = Copy(host, vm, source, "/root/payload.bin");
        await refused.Ended.Within("the copy to end");
        Assert.Equal(JobStates.Failed, refused.Info.State);
        Assert.Equal(409, refused.Info.Problem!.Status);
        Assert.Equal("Cannot copy to /root/payload.bin in VM 'alpha': the file already exists in the guest; add --overwrite (\"overwrite\": true in the API) to replace it.",
            refused.Info.Problem.Detail);
        Assert.Equal(0, qemu.GuestFiles.Writes);

        var replaced = Copy(host, vm, source, "/root/payload.bin", overwrite: true);
        await replaced.Ended.Within("the copy to end");
        Assert.Equal(JobStates.Completed, replaced.Info.State);
        Assert.Equal(bytes, qemu.GuestFiles.Files["/root/payload.bin"]);
    }

    [Fact]
    public async Task A_checksum_that_differs_in_the_guest_fails_the_copy_and_removes_it()
    {
        var (host, vm, qemu, source, bytes) = await ArrangeAsync(output);
        await using var _ = host;
        qemu.GuestFiles.CorruptsWrites = true;

        var job = Copy(host, vm, source, "/root/payload.bin");
        await job.Ended.Within("the copy to end");

        Assert.Equal(JobStates.Failed, job.Info.State);
        Assert.Equal(502, job.Info.Problem!.Status);
        var host256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.StartsWith($"Cannot copy to /root/payload.bin in VM 'alpha': the checksum in the guest does not match: host sha256 {host256}, guest ",
            job.Info.Problem.Detail);
        Assert.EndsWith("; the copy was removed.", job.Info.Problem.Detail);
        Assert.Empty(qemu.GuestFiles.Files);
    }

    [Fact]
    public async Task A_cancelled_copy_leaves_no_partial_file_in_the_guest()
    {
        var (host, vm, qemu, source, _) = await ArrangeAsync(output);
        await using var _h = host;
        qemu.GuestFiles.WriteGate = new SemaphoreSlim(2);

        var job = Copy(host, vm, source, "/root/payload.bin");
        await Eventually.UntilAsync(() => qemu.GuestFiles.Writes == 2 && qemu.GuestFiles.WriteGate.CurrentCount == 0, "two chunks are written and the third waits");
        Assert.True(job.RequestCancel());
        qemu.GuestFiles.WriteGate.Release(10);
        await job.Ended.Within("the copy to end");

        Assert.Equal(JobStates.Cancelled, job.Info.State);
        await Eventually.UntilAsync(() => qemu.GuestFiles.Files.IsEmpty, "the partial file is removed");
    }

    [Fact]
    public async Task Refusals_come_before_any_job_and_name_what_to_do()
    {
        var (host, vm, qemu, source, _) = await ArrangeAsync(output);
        await using var _h = host;

        var missingFolder = Copy(host, vm, source, "/srv/in/payload.bin");
        await missingFolder.Ended.Within("the copy to end");
        Assert.Equal("Cannot copy to /srv/in/payload.bin in VM 'alpha': the folder /srv/in does not exist in the guest; add --create-path (\"createPath\": true in the API) to make it.",
            missingFolder.Info.Problem!.Detail);

        var invalid = Assert.Throws<ValidationException>(() => Copy(host, vm, "/etc/passwd", "relative\u0007/"));
        Assert.Equal([
            "destination: 'relative?/' contains a control character; a guest path cannot",
            "destination: 'relative?/' is not an absolute path in the guest",
            "destination: 'relative?/' names a folder; give the path of the file to create, e.g. 'relative?/name'",
            $"source: '/etc/passwd' is outside the host's storage roots ({string.Join(", ", StorageRootRules.Roots(host.Options.DataDir, host.Host.Config))}); " +
                "put the file under one of them or add a root with 'nube host set --storage-root'",
        ], invalid.Errors.Select(e => e.Message));

        var link = Path.Combine(host.Options.DataDir, "link");
        File.CreateSymbolicLink(link, "/etc/passwd");
        var escape = Assert.Throws<ValidationException>(() => Copy(host, vm, link, "/root/x"));
        Assert.StartsWith($"source: '{link}', a link to '/etc/passwd', is outside the host's storage roots", escape.Message);
        var images = Path.Combine(host.Options.DataDir, "images");
        var folder = Assert.Throws<ValidationException>(() => Copy(host, vm, images, "/root/x"));
        Assert.Equal($"source: '{images}' cannot be copied: it is a folder, not a regular file", folder.Message);
        var key = Path.Combine(host.Options.DataDir, "users.json");
        File.WriteAllText(key, "{}");
        var own = Assert.Throws<ValidationException>(() => Copy(host, vm, key, "/root/x"));
        Assert.Equal($"source: '{key}' is inside the host's data directory ({host.Options.DataDir}), which holds Nube's own files; " +
            "only its 'images' folder may hold a VM's files", own.Message);

        await vm.ChangeAsync(new SwitchIntegrationService(IntegrationService.GuestServices, false));
        var disabled = Assert.Throws<VmConflictException>(() => Copy(host, vm, source, "/root/x"));
        Assert.Equal("Cannot copy a file to VM 'alpha': its guest services integration service is disabled; enable it with 'nube vm integration enable alpha guest-services'.",
            disabled.Message);
    }
}
