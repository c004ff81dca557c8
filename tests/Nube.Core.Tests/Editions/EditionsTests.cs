using Nube.Core.Editions;
using Nube.Core.Validation;
using EditionCatalogue = Nube.Core.Editions.Editions;

namespace Nube.Core.Tests.Editions;

public class EditionsTests
{
    [Fact]
    public void The_catalogue_holds_the_four_2008_R2_editions_and_nube()
    {
        Assert.Equal(
            ["ws2008r2-standard", "ws2008r2-enterprise", "ws2008r2-datacenter", "hyperv-server-2008r2", "nube"],
            EditionCatalogue.All.Select(e => e.Name));
    }

    [Theory]
    [InlineData("ws2008r2-standard", "Windows Server 2008 R2 Standard")]
    [InlineData("ws2008r2-enterprise", "Windows Server 2008 R2 Enterprise")]
    [InlineData("ws2008r2-datacenter", "Windows Server 2008 R2 Datacenter")]
    [InlineData("hyperv-server-2008r2", "Microsoft Hyper-V Server 2008 R2")]
    [InlineData("nube", "Nube (QEMU limits)")]
    public void Each_edition_has_a_display_name(string name, string displayName)
    {
        Assert.Equal(displayName, EditionCatalogue.Find(name).DisplayName);
    }

    [Fact]
    public void The_default_is_nube()
    {
        Assert.Same(EditionCatalogue.Find("nube"), EditionCatalogue.Default);
    }

    [Fact]
    public void Names_are_found_ignoring_case()
    {
        Assert.True(EditionCatalogue.TryGet("WS2008R2-Enterprise", out var edition));
        Assert.Equal("ws2008r2-enterprise", edition.Name);
    }

    [Fact]
    public void An_unknown_name_is_not_found()
    {
        Assert.False(EditionCatalogue.TryGet("ws2012", out var edition));
        Assert.Null(edition);
    }

    [Fact]
    public void Find_of_an_unknown_name_lists_the_editions()
    {
        var e = Assert.Throws<ValidationException>(() => EditionCatalogue.Find("ws2012"));
        Assert.Equal("edition: 'ws2012' is not a known edition; the editions are 'ws2008r2-standard', " +
            "'ws2008r2-enterprise', 'ws2008r2-datacenter', 'hyperv-server-2008r2', 'nube'", e.Message);
        Assert.Equal("edition", Assert.Single(e.Errors).Field);
    }

    [Theory]
    [MemberData(nameof(EditionLimitData.Names), MemberType = typeof(EditionLimitData))]
    public void No_edition_limits_virtual_networks(string name)
    {
        Assert.Null(EditionCatalogue.Find(name).MaxVirtualNetworks);
    }

    [Theory]
    [MemberData(nameof(EditionLimitData.Names), MemberType = typeof(EditionLimitData))]
    public void Every_edition_has_two_IDE_controllers_with_four_devices_and_four_SCSI_controllers(string name)
    {
        Edition edition = EditionCatalogue.Find(name);
        Assert.Equal((2, 4, 4), (edition.MaxIdeControllers, edition.MaxIdeDevices, edition.MaxScsiControllers));
    }
}
