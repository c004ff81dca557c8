using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

public sealed class HostsFileTests
{
    [Fact]
    public void Renames_the_host_on_debians_127_0_1_1_line_and_keeps_the_rest()
    {
        const string before = "127.0.0.1\tlocalhost\n127.0.1.1\told-name\n\n# IPv6\n::1     localhost ip6-localhost\n";
        Assert.Equal("127.0.0.1\tlocalhost\n127.0.1.1\tweb1\n\n# IPv6\n::1     localhost ip6-localhost\n",
            HostsFile.WithHostName(before, "web1"));
    }

    [Fact]
    public void A_name_with_a_domain_gets_its_short_name_too() =>
        Assert.Equal("127.0.0.1 localhost\n127.0.1.1\tweb1.example.org web1\n",
            HostsFile.WithHostName("127.0.0.1 localhost\n127.0.1.1 old.example.org old # set by the installer\n", "web1.example.org"));

    [Fact]
    public void Adds_the_line_after_the_loopback_lines_when_there_is_none() =>
        Assert.Equal("# hosts\n127.0.0.1 localhost\n127.0.0.1 vm\n127.0.1.1\tweb1\n192.0.2.9 db\n",
            HostsFile.WithHostName("# hosts\n127.0.0.1 localhost\n127.0.0.1 vm\n192.0.2.9 db", "web1"));

    [Fact]
    public void A_commented_out_line_is_not_the_host_line() =>
        Assert.Equal("#127.0.1.1 old\n127.0.1.1\tweb1\n", HostsFile.WithHostName("#127.0.1.1 old\n", "web1"));

    [Fact]
    public void An_empty_file_gets_the_line() => Assert.Equal("127.0.1.1\tweb1\n", HostsFile.WithHostName("", "web1"));
}
