namespace Nube.Core.Tests.Editions;

/// <summary>The limits table of the brief, written out again so that the tests pin the catalogue's data.</summary>
public static class EditionLimitData
{
    public static TheoryData<string> Names => new("ws2008r2-standard", "ws2008r2-enterprise",
        "ws2008r2-datacenter", "hyperv-server-2008r2", "nube");
}
