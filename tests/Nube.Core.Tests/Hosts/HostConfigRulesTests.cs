using Nube.Core.Hosts;
using Nube.Core.Serialization;
using Nube.Core.Validation;

namespace Nube.Core.Tests.Hosts;

public class HostConfigRulesTests
{
    private static string Single(HostConfig host) => Assert.Single(HostConfigRules.Check(host)).Message;

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(HostConfigRules.Check(new HostConfig()));
        Assert.Empty(HostConfigRules.Check(new HostConfig { StorageRoots = [] }));
    }

    [Theory]
    [InlineData("images", @"storageRoots[1]: 'images' is not an absolute path")]
    [InlineData("", @"storageRoots[1]: '' is not an absolute path")]
    [InlineData("/srv/a\tb", @"storageRoots[1]: '/srv/a\u0009b' contains a control character")]
    [InlineData("/", "storageRoots[1]: '/' is the whole file system; a storage root must be a folder below /")]
    [InlineData("//./", "storageRoots[1]: '//./' is the whole file system; a storage root must be a folder below /")]
    [InlineData("/srv/../", "storageRoots[1]: '/srv/../' is the whole file system; a storage root must be a folder below /")]
    [InlineData("/var/lib/nube/images/", "storageRoots[1]: '/var/lib/nube/images/' is already storageRoots[0]")]
    public void A_bad_root_is_named_by_its_index(string root, string message)
    {
        var error = Assert.Single(HostConfigRules.Check(new HostConfig { StorageRoots = ["/var/lib/nube/images", root] }));
        Assert.Equal(message, error.Message);
        Assert.Equal("storageRoots[1]", error.Field);
        Assert.Equal(root, error.Value);
    }

    [Fact]
    public void At_most_32_roots()
    {
        var roots = Enumerable.Range(0, 33).Select(i => $"/srv/r{i}").ToArray();
        Assert.Empty(HostConfigRules.Check(new HostConfig { StorageRoots = [.. roots[..32]] }));
        var error = Assert.Single(HostConfigRules.Check(new HostConfig { StorageRoots = [.. roots] }));
        Assert.Equal("storageRoots: 33 roots exceed the limit of 32 roots", error.Message);
        Assert.Equal(("storageRoots", "33"), (error.Field, error.Value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3601)]
    public void The_stop_timeout_is_1_to_3600_seconds(int seconds)
    {
        Assert.Empty(HostConfigRules.Check(new HostConfig { StopTimeoutSeconds = 1 }));
        Assert.Empty(HostConfigRules.Check(new HostConfig { StopTimeoutSeconds = 3600 }));
        Assert.Equal($"stopTimeoutSeconds: {seconds} is outside the range 1 to 3600 seconds",
            Single(new HostConfig { StopTimeoutSeconds = seconds }));
    }

    [Theory]
    [InlineData((1L << 20) - 1)]
    [InlineData((1L << 40) + 1)]
    public void The_ISO_upload_limit_is_1_MiB_to_1_TiB(long bytes)
    {
        Assert.Equal(16L << 30, new HostConfig().IsoUploadLimitBytes);
        Assert.Empty(HostConfigRules.Check(new HostConfig { IsoUploadLimitBytes = 1L << 20 }));
        Assert.Empty(HostConfigRules.Check(new HostConfig { IsoUploadLimitBytes = 1L << 40 }));
        Assert.Equal($"isoUploadLimit: {bytes} bytes is outside the range 1 MiB (1048576 bytes) to 1 TiB (1099511627776 bytes)",
            Single(new HostConfig { IsoUploadLimitBytes = bytes }));
    }

    [Fact]
    public void All_problems_come_back_at_once()
    {
        var host = new HostConfig { StopTimeoutSeconds = 0, StorageRoots = ["/", "x", "/srv", "/srv/"] };
        Assert.Equal([
            "stopTimeoutSeconds: 0 is outside the range 1 to 3600 seconds",
            "storageRoots[0]: '/' is the whole file system; a storage root must be a folder below /",
            "storageRoots[1]: 'x' is not an absolute path",
            "storageRoots[3]: '/srv/' is already storageRoots[2]",
        ], HostConfigRules.Check(host).Select(e => e.Message));
    }

    [Fact]
    public void A_host_json_written_before_storage_roots_reads_with_the_default()
    {
        var host = ConfigDocument.Parse<HostConfig>(
            """{"schemaVersion": 1, "edition": "standard", "accelerator": "tcg", "stopTimeoutSeconds": 30}""",
            HostConfig.CurrentSchemaVersion, "host.json");
        Assert.Equal(["/var/lib/nube/images"], host.StorageRoots.ToArray());
        Assert.Equal(("standard", AcceleratorSetting.Tcg, 30), (host.Edition, host.Accelerator, host.StopTimeoutSeconds));
    }

    [Fact]
    public void Storage_roots_are_written_and_read_back()
    {
        var json = ConfigDocument.Write(new HostConfig { StorageRoots = ["/srv/images", "/mnt/san"] });
        Assert.Contains("\"storageRoots\": [\n    \"/srv/images\",\n    \"/mnt/san\"\n  ]", json.ReplaceLineEndings("\n"));
        var back = ConfigDocument.Parse<HostConfig>(json, HostConfig.CurrentSchemaVersion, "host.json");
        Assert.Equal(["/srv/images", "/mnt/san"], back.StorageRoots.ToArray());
        var empty = ConfigDocument.Parse<HostConfig>("""{"schemaVersion": 1, "storageRoots": []}""", HostConfig.CurrentSchemaVersion, "host.json");
        Assert.Empty(empty.StorageRoots);
    }
}
