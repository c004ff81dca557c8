using System.Security.Cryptography;
using System.Text.Json;
using Nube.Contracts.Client;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Guest services' file copy into the real guest: checksum, refusals, overwrite.</summary>
public sealed class FileCopyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_copy_arrives_verified_and_replaces_a_file_only_when_asked()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = (await host.CreateGuestVmAsync("files")).Summary.Id;
        await host.Client.RunJobAsync("files", "start", agentWaitSeconds: 60);
        var source = Path.Combine(host.Root, "payload.bin");
        var bytes = new byte[3 << 20];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(source, bytes);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var disabled = await NubeCli.RunAsync(host, "vm", "copy-file", "files", "--source", source, "--destination", "/root/in/payload.bin");
        Assert.Equal(4, disabled.ExitCode);
        Assert.Equal("error: Cannot copy a file to VM 'files': its guest services integration service is disabled; " +
            "enable it with 'nube vm integration enable files guest-services'.\n", disabled.Stderr);
        await host.Client.SetVmAsync("files", new VmSettings
        {
            IntegrationServices = new IntegrationServicesSettings { Enabled = ["heartbeat", "shutdown", "time-sync", "kvp", "guest-services", "backup"] },
        });

        var noFolder = await NubeCli.RunAsync(host, "vm", "copy-file", "files", "--source", source, "--destination", "/root/in/payload.bin");
        Assert.Equal(4, noFolder.ExitCode);
        Assert.Equal("error: Cannot copy to /root/in/payload.bin in VM 'files': the folder /root/in does not exist in the guest; " +
            "add --create-path (\"createPath\": true in the API) to make it.\n", noFolder.Stderr);

        var copy = await NubeCli.RunAsync(host, "vm", "copy-file", "files", "--source", source, "--destination", "/root/in/payload.bin", "--create-path", "--json");
        Assert.True(copy.ExitCode == 0, copy.Stderr);
        var result = JsonDocument.Parse(copy.Stdout).RootElement.GetProperty("result").GetString()!;
        output.WriteLine(result);
        Assert.Matches(@"^Copied 3\.0 MiB to /root/in/payload\.bin in \d+\.\d s \(sha256 verified\)\.$", result);
        Assert.Equal($"{sha}  /root/in/payload.bin", (await GuestShell.RunAsync(host, vm, "sha256sum /root/in/payload.bin")).Trim());
        Assert.Equal("payload.bin\n", (await GuestShell.RunAsync(host, vm, "ls -A /root/in")).Replace("\r", ""));

        var again = await NubeCli.RunAsync(host, "vm", "copy-file", "files", "--source", source, "--destination", "/root/in/payload.bin");
        Assert.Equal(4, again.ExitCode);
        Assert.Equal("error: Cannot copy to /root/in/payload.bin in VM 'files': the file already exists in the guest; " +
            "add --overwrite (\"overwrite\": true in the API) to replace it.\n", again.Stderr);

        var small = Path.Combine(host.Root, "small.txt");
        await File.WriteAllTextAsync(small, "replaced\n");
        var overwrite = await NubeCli.RunAsync(host, "vm", "copy-file", "files", "--source", small, "--destination", "/root/in/payload.bin", "--overwrite");
        Assert.True(overwrite.ExitCode == 0, overwrite.Stderr);
        Assert.Equal("replaced\n", (await GuestShell.RunAsync(host, vm, "cat /root/in/payload.bin")).Replace("\r", ""));
        Assert.Equal("payload.bin\n", (await GuestShell.RunAsync(host, vm, "ls -A /root/in")).Replace("\r", ""));

        var outside = await NubeCli.RunAsync(host, "vm", "copy-file", "files", "--source", "/etc/passwd", "--destination", "/root/passwd");
        Assert.Equal(5, outside.ExitCode);
        Assert.StartsWith("error: source: '/etc/passwd' is outside the host's storage roots (", outside.Stderr);
        var details = await host.Client.GetVmAsync("files", 5);
        Assert.True(details.GuestAgent?.Responding, details.GuestAgent?.Error);
    }
}
