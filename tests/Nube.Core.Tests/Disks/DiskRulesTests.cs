using Nube.Core.Disks;
using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Disks;

/// <summary>Disk sizes, each format's limits and what QEMU 10 can do with it, each with its whole message.</summary>
public class DiskRulesTests
{
    private static (long? Bytes, string? Error) Parse(string? text)
    {
        var errors = new List<ValidationError>();
        var bytes = DiskSize.Parse("size", text, errors);
        return (bytes, errors.SingleOrDefault()?.Message);
    }

    [Theory]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("20GiB", 20L << 30)]
    [InlineData("20gib", 20L << 30)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("4KiB", 4096)]
    [InlineData("1048576", 1L << 20)]
    [InlineData(" 2 GiB ", 2L << 30)]
    [InlineData("512B", 512)]
    public void Sizes_are_bytes_or_whole_binary_units(string text, long bytes) => Assert.Equal((bytes, null), Parse(text));

    [Fact]
    public void A_size_that_is_not_one_says_what_is_accepted()
    {
        Assert.Equal((null, "size: '20GB' is not a size; write a whole number of bytes or of KiB, MiB, GiB or TiB (20GiB)"), Parse("20GB"));
        Assert.Equal((null, "size: '1.5GiB' is not a size; write a whole number of bytes or of KiB, MiB, GiB or TiB (20GiB)"), Parse("1.5GiB"));
        Assert.Equal((null, "size: '-1' is not a size; write a whole number of bytes or of KiB, MiB, GiB or TiB (20GiB)"), Parse("-1"));
        Assert.Equal((null, "size: missing; give a size such as 20GiB, 512MiB or a number of bytes"), Parse(null));
        Assert.Equal((null, "size: '9999999TiB' is larger than any disk"), Parse("9999999TiB"));
    }

    [Theory]
    [InlineData(2040L << 30, "2040 GiB")]
    [InlineData(64L << 40, "64 TiB")]
    [InlineData(2L << 50, "2048 TiB")]
    [InlineData(67125248, "65552 KiB")]
    [InlineData(1536L << 20, "1536 MiB")]
    [InlineData((1536L << 20) + 512, "1.50 GiB")]
    [InlineData(300, "300 B")]
    public void Sizes_read_in_the_largest_unit_that_says_them(long bytes, string text) => Assert.Equal(text, DiskSize.Format(bytes));

    private static IReadOnlyList<string> Size(string text, DiskFormat format)
    {
        var errors = new List<ValidationError>();
        DiskRules.CheckSize("size", text, DiskSize.Parse("size", text, errors)!.Value, format, errors);
        return [.. errors.Select(e => e.Message)];
    }

    [Fact]
    public void Each_format_has_its_limit_and_the_message_names_a_larger_one()
    {
        Assert.Empty(Size("2040GiB", DiskFormat.Vhd));
        Assert.Equal(["size: '2041GiB' is over the limit of 2040 GiB for a VHD disk; VHDX takes up to 64 TiB and qcow2 up to 2048 TiB"],
            Size("2041GiB", DiskFormat.Vhd));
        Assert.Empty(Size("64TiB", DiskFormat.Vhdx));
        Assert.Equal(["size: '65TiB' is over the limit of 64 TiB for a VHDX disk; qcow2 takes up to 2048 TiB"], Size("65TiB", DiskFormat.Vhdx));
        Assert.Equal(["size: '2049TiB' is over the limit of 2048 TiB for a qcow2 disk"], Size("2049TiB", DiskFormat.Qcow2));
        Assert.Empty(Size("2049TiB", DiskFormat.Raw));
        Assert.Equal(["size: '1000' is not a whole number of 512-byte sectors"], Size("1000", DiskFormat.Raw));
        Assert.Equal(["size: '0' is smaller than one 512-byte sector, the least a disk holds"], Size("0", DiskFormat.Qcow2));
    }

    [Fact]
    public void Only_qcow2_can_be_a_differencing_child_and_the_message_names_the_command_that_works()
    {
        foreach (var format in new[] { DiskFormat.Vhdx, DiskFormat.Vhd, DiskFormat.Raw })
        {
            var errors = new List<ValidationError>();
            DiskRules.CheckNew("/d/child.x", format, false, "/d/base.vhdx", errors);
            Assert.Equal([$"format: {DiskFormats.Title(format)} cannot be a differencing child in QEMU 10: make the child as qcow2 " +
                "('nube disk new /d/child.x --parent /d/base.vhdx --format qcow2'); its parent may be in any format"], errors.Select(e => e.Message));
        }
        var qcow2 = new List<ValidationError>();
        DiskRules.CheckNew("/d/child.qcow2", DiskFormat.Qcow2, true, "/d/base.vhdx", qcow2);
        Assert.Equal(["fixed: a differencing child cannot be fixed: it holds only what differs from its parent"], qcow2.Select(e => e.Message));
    }

    private static IReadOnlyList<string> Resize(DiskFormat format, long current, string text, bool allowShrink)
    {
        var errors = new List<ValidationError>();
        DiskRules.CheckResize("/d/disk.x", format, current, text, DiskSize.Parse("size", text, errors)!.Value, allowShrink, errors);
        return [.. errors.Select(e => e.Message)];
    }

    [Fact]
    public void Resize_names_the_conversion_for_VHD_and_VHDX_and_refuses_a_shrink_without_the_flag()
    {
        Assert.Equal(["path: '/d/disk.x' is a VHDX disk, which QEMU 10 cannot resize; convert it to qcow2 " +
            "('nube disk convert /d/disk.x /d/disk.qcow2 --format qcow2'), resize the copy, and use it in its place"],
            Resize(DiskFormat.Vhdx, 1L << 30, "2GiB", false));
        Assert.Single(Resize(DiskFormat.Vhd, 1L << 30, "2GiB", false));
        Assert.Empty(Resize(DiskFormat.Qcow2, 1L << 30, "2GiB", false));
        Assert.Equal(["size: '512MiB' is smaller than the disk's 1 GiB; shrinking cuts off the data at its end: " +
            "shrink the guest's file systems and partitions first, then pass --allow-shrink (allowShrink)"], Resize(DiskFormat.Raw, 1L << 30, "512MiB", false));
        Assert.Empty(Resize(DiskFormat.Raw, 1L << 30, "512MiB", true));
    }

    [Fact]
    public void The_formats_facts_as_QEMU_10_has_them()
    {
        Assert.Equal(["vhdx", "vpc", "qcow2", "raw"], new[] { DiskFormat.Vhdx, DiskFormat.Vhd, DiskFormat.Qcow2, DiskFormat.Raw }.Select(DiskFormats.Driver));
        Assert.Equal(DiskFormat.Vhd, DiskFormats.FromDriver("vpc"));
        Assert.Null(DiskFormats.FromDriver("vmdk"));
        Assert.Equal(DiskFormat.Raw, DiskFormats.FromPath("/d/x.img"));
        Assert.Null(DiskFormats.FromPath("/d/x.iso"));
        Assert.True(DiskFormats.BlocksLiveMigration(DiskFormat.Vhdx) && DiskFormats.BlocksLiveMigration(DiskFormat.Vhd));
        Assert.False(DiskFormats.BlocksLiveMigration(DiskFormat.Qcow2) || DiskFormats.BlocksLiveMigration(DiskFormat.Raw));
        Assert.Equal("subformat=fixed,force_size=on", DiskFormats.CreateOptions(DiskFormat.Vhd, true));
        Assert.Equal("subformat=dynamic", DiskFormats.CreateOptions(DiskFormat.Vhdx, false));
        Assert.Equal("preallocation=full", DiskFormats.CreateOptions(DiskFormat.Raw, true));
    }
}
