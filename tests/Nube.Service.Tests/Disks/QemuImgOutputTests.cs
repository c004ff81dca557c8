using Nube.Service.Disks;
using Nube.Service.Vms.Disks;

namespace Nube.Service.Tests.Disks;

/// <summary>qemu-img's JSON and progress lines, as qemu-img 10 prints them.</summary>
public class QemuImgOutputTests
{
    [Fact]
    public void A_backing_chain_reads_top_first_with_sizes_and_flags()
    {
        const string json = """
        [
            {
                "children": [ { "name": "file", "info": { "virtual-size": 200704, "filename": "/i/top.qcow2", "format": "file", "actual-size": 200704, "dirty-flag": false } } ],
                "backing-filename-format": "qcow2", "virtual-size": 67108864, "filename": "/i/top.qcow2", "cluster-size": 65536, "format": "qcow2",
                "actual-size": 200704, "format-specific": { "type": "qcow2", "data": { "compat": "1.1", "corrupt": true, "refcount-bits": 16 } },
                "full-backing-filename": "/i/base.vhdx", "backing-filename": "/i/base.vhdx", "dirty-flag": true
            },
            { "virtual-size": 67108864, "filename": "/i/base.vhdx", "cluster-size": 8388608, "format": "vhdx", "actual-size": 8388608, "dirty-flag": false }
        ]
        """;
        Assert.Equal([
            new ImageFacts("/i/top.qcow2", "qcow2", 67108864, 200704, true, true),
            new ImageFacts("/i/base.vhdx", "vhdx", 67108864, 8388608, false, null),
        ], ImageFacts.ParseChain(json));
    }

    [Fact]
    public void A_single_image_reads_as_a_chain_of_one() =>
        Assert.Equal(new ImageFacts("/i/a.raw", "raw", 512, 0, false, null),
            Assert.Single(ImageFacts.ParseChain("""{ "virtual-size": 512, "filename": "/i/a.raw", "format": "raw", "dirty-flag": false }""")));

    [Fact]
    public void Garbage_is_not_a_chain() => Assert.ThrowsAny<System.Text.Json.JsonException>(() => ImageFacts.ParseChain("[1]"));

    [Fact]
    public void A_check_counts_corruptions_and_leaks_and_says_whether_a_repair_may_mend_them()
    {
        var found = ImageCheck.Parse("""
            { "image-end-offset": 1048576, "total-clusters": 1024, "corruptions": 117, "leaks": 3, "check-errors": 0, "filename": "t.qcow2", "format": "qcow2" }
            """, "/i/t.qcow2", "qcow2");
        Assert.Equal((117, 3, 0, false, true), (found.Corruptions, found.Leaks, found.CheckErrors, found.Clean, found.Fixable));
        var repaired = ImageCheck.Parse("""{ "check-errors": 0, "corruptions-fixed": 2, "leaks-fixed": 5, "format": "qcow2" }""", "/i/t.qcow2", "qcow2");
        Assert.Equal((7, true, false), (repaired.Repaired, repaired.Clean, repaired.Fixable));
        var unreadable = ImageCheck.Parse("""{ "check-errors": 4, "corruptions": 1 }""", "/i/t.qcow2", "qcow2");
        Assert.False(unreadable.Fixable);
    }

    [Theory]
    [InlineData("    (0.00/100%)", 0)]
    [InlineData("    (42.67/100%)", 42)]
    [InlineData("    (100.00/100%)", 100)]
    [InlineData("Image committed.", null)]
    [InlineData("(42.67/100%) trailing words", null)]
    public void Progress_lines_give_whole_percents(string line, int? percent) => Assert.Equal(percent, QemuImg.Progress(line));
}
