using System.Net;
using System.Text.Json;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary><c>nube disk list</c> and the ISO library (<c>nube iso</c>, <c>/api/v1/isos</c>) against a real nubed, in its images folder.</summary>
public sealed class StorageLibraryTests(ITestOutputHelper output)
{
    private static string Images(NubedHost host) => Directory.CreateDirectory(Path.Combine(host.DataDir, "images")).FullName;

    private static async Task<JsonElement> JsonAsync(NubedHost host, params string[] args) =>
        JsonDocument.Parse((await NubeCli.OkAsync(host, [.. args, "--json"])).Stdout).RootElement;

    [Fact]
    public async Task Disk_list_shows_the_disks_under_the_roots_with_parent_and_user_and_skips_other_files_and_deep_folders()
    {
        await using var host = await NubedHost.StartAsync(output);
        var dir = Images(host);
        var (parent, child) = (Path.Combine(dir, "base.vhdx"), Path.Combine(dir, "vm", "child.qcow2"));
        Directory.CreateDirectory(Path.GetDirectoryName(child)!);
        await NubeCli.OkAsync(host, "disk", "new", parent, "--size", "64MiB");
        await NubeCli.OkAsync(host, "disk", "new", child, "--parent", parent);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a disk");
        // Deeper than the walk goes (four folders below the root): left out.
        var deep = Directory.CreateDirectory(Path.Combine(dir, "a", "b", "c", "d", "e")).FullName;
        await NubeCli.OkAsync(host, "disk", "new", Path.Combine(deep, "deep.raw"), "--size", "1MiB");
        await host.Client.CreateVmAsync(NubedHost.GuestSettings("user") with
        {
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = child }] }],
        });

        var list = await JsonAsync(host, "disk", "list");
        // The test host's other roots (the test guest's folder) have their own disks.
        var disks = list.GetProperty("disks").EnumerateArray().Where(d => d.GetProperty("path").GetString()!.StartsWith(dir, StringComparison.Ordinal))
            .ToDictionary(d => d.GetProperty("path").GetString()!);
        Assert.Equal([parent, child], disks.Keys.Order(StringComparer.Ordinal));
        Assert.False(list.GetProperty("truncated").GetBoolean());
        Assert.Equal(("vhdx", 64L << 20), (disks[parent].GetProperty("format").GetString(), disks[parent].GetProperty("virtualSize").GetInt64()));
        Assert.Equal(parent, disks[child].GetProperty("parents")[0].GetProperty("path").GetString());
        Assert.Equal("user", Assert.Single(disks[child].GetProperty("usedBy").EnumerateArray()).GetProperty("vmName").GetString());
        Assert.Equal(child, Assert.Single(disks[parent].GetProperty("usedBy").EnumerateArray()).GetProperty("through").GetString());

        var table = NubeCli.Flat((await NubeCli.OkAsync(host, "disk", "list")).Stdout);
        Assert.Contains("child.qcow2", table);
        Assert.Contains("user", table);
        Assert.DoesNotContain("notes.txt", table);
    }

    [Fact]
    public async Task An_ISO_is_uploaded_listed_refused_over_its_name_or_size_kept_while_a_DVD_holds_it_and_removed()
    {
        await using var host = await NubedHost.StartAsync(output);
        var library = Path.Combine(Images(host), "isos");
        var source = Path.Combine(host.Root, "setup-disc.iso");
        var bytes = new byte[3 << 20];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(source, bytes);

        var uploaded = await JsonAsync(host, "iso", "upload", source, "--name", "debian.iso");
        var path = Path.Combine(library, "debian.iso");
        Assert.Equal(("debian.iso", path, (long)bytes.Length), (uploaded.GetProperty("name").GetString(), uploaded.GetProperty("path").GetString(),
            uploaded.GetProperty("size").GetInt64()));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
        var listed = Assert.Single((await JsonAsync(host, "iso", "list")).EnumerateArray());
        Assert.Equal(("debian.iso", Images(host)), (listed.GetProperty("name").GetString(), listed.GetProperty("root").GetString()));
        Assert.Contains("debian.iso", (await NubeCli.OkAsync(host, "iso", "list")).Stdout);

        var again = await NubeCli.RunAsync(host, "iso", "upload", source, "--name", "debian.iso");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("name: 'debian.iso' is already in the ISO library", NubeCli.Flat(again.Stderr));
        await NubeCli.OkAsync(host, "iso", "upload", source, "--name", "debian.iso", "--replace");

        using var http = host.RawHttp();
        foreach (var (name, says) in new[]
                 {
                     ("../x.iso", "contains a slash"), ("a/b.iso", "contains a slash"), (".iso", "starts with a dot"),
                     ("notes.txt", "does not end in .iso"), (new string('n', 197) + ".iso", "is 201 characters long; the limit is 200"),
                 })
        {
            using var refused = await http.PutAsync($"api/v1/isos/{Uri.EscapeDataString(name)}", new ByteArrayContent([1, 2, 3]));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
            Assert.Equal(("name", name), (error.GetProperty("field").GetString(), error.GetProperty("value").GetString()));
            Assert.Contains(says, error.GetProperty("message").GetString());
        }

        // Past the host's limit: refused with 413 whether the length is declared (before the body is sent) or only streamed.
        var tiny = await NubeCli.RunAsync(host, "host", "set", "--iso-upload-limit", "12KiB");
        Assert.Equal(5, tiny.ExitCode);
        Assert.Contains("isoUploadLimit: 12288 bytes is outside the range 1 MiB (1048576 bytes) to 1 TiB", NubeCli.Flat(tiny.Stderr));
        await NubeCli.OkAsync(host, "host", "set", "--iso-upload-limit", "1MiB");
        using (var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/isos/big.iso") { Content = new ByteArrayContent(bytes) })
        {
            request.Headers.ExpectContinue = true;
            using var declared = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        }
        var cli = await NubeCli.RunAsync(host, "iso", "upload", source, "--name", "big.iso");
        Assert.Equal(5, cli.ExitCode);
        Assert.Contains("body: the ISO image is larger than the host's upload limit of 1 MiB (1048576 bytes)", NubeCli.Flat(cli.Stderr));
        using (var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/isos/big.iso") { Content = new StreamContent(new MemoryStream(bytes[..((1 << 20) + 4096)])) })
        {
            request.Headers.TransferEncodingChunked = true;
            using var chunked = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        }
        // An upload whose client goes away half way leaves nothing either.
        using (var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/isos/broken.iso") { Content = new BrokenContent(bytes[..(512 << 10)]) })
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.SendAsync(request));
        await Poll.UntilAsync(() => Task.FromResult(Directory.GetFileSystemEntries(library).Length == 1), "the broken upload's file to go",
            TimeSpan.FromSeconds(10));
        Assert.Equal(["debian.iso"], Directory.GetFileSystemEntries(library).Select(Path.GetFileName));

        // Another root's isos folder that is a link out of the roots is no library: nothing in it is listed or removed.
        var outside = Directory.CreateTempSubdirectory("nube-outside-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(outside, "elsewhere.iso"), [1]);
            File.CreateSymbolicLink(Path.Combine(host.Root, "isos"), outside);
            Assert.Equal(["debian.iso"], (await JsonAsync(host, "iso", "list")).EnumerateArray().Select(i => i.GetProperty("name").GetString()));
            Assert.Equal(3, (await NubeCli.RunAsync(host, "iso", "remove", "elsewhere.iso")).ExitCode);
            Assert.True(File.Exists(Path.Combine(outside, "elsewhere.iso")));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }

        await host.Client.CreateVmAsync(NubedHost.GuestSettings("installer") with
        {
            IdeDrives = [new IdeDriveSettings { Controller = 1, Location = 0, Media = "dvd", Path = path }],
        });
        var held = await NubeCli.RunAsync(host, "iso", "remove", "debian.iso");
        Assert.Equal(4, held.ExitCode);
        Assert.Contains($"'{path}' cannot be removed: it is used by VM 'installer' (off) as ideDrives[0].path", NubeCli.Flat(held.Stderr));
        await host.Client.RemoveVmAsync("installer");
        var removed = await JsonAsync(host, "iso", "remove", "debian.iso");
        Assert.Equal(path, removed.GetProperty("path").GetString());
        Assert.False(File.Exists(path));
        Assert.Empty((await JsonAsync(host, "iso", "list")).EnumerateArray());
        var missing = await NubeCli.RunAsync(host, "iso", "remove", "debian.iso");
        Assert.Contains("name: 'debian.iso' is not in the ISO library", NubeCli.Flat(missing.Stderr));
    }

    /// <summary>A body that sends its bytes and then fails, as a client that goes away in the middle of an upload.</summary>
    private sealed class BrokenContent(byte[] first) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            throw new IOException("the client went away");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 4L << 20;
            return true;
        }
    }
}
