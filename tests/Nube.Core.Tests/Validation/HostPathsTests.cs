using Nube.Core.Validation;

namespace Nube.Core.Tests.Validation;

public class HostPathsTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("//", "/")]
    [InlineData("/.", "/")]
    [InlineData("/..", "/")]
    [InlineData("/var/lib/nube/", "/var/lib/nube")]
    [InlineData("/var//lib///nube", "/var/lib/nube")]
    [InlineData("/var/./lib/./nube/.", "/var/lib/nube")]
    [InlineData("/var/lib/nube/images/../../etc/x", "/var/lib/etc/x")]
    [InlineData("/../../etc/shadow", "/etc/shadow")]
    [InlineData("/a/.../b", "/a/.../b")]
    [InlineData("/a/..b/c", "/a/..b/c")]
    public void Normalize_is_lexical(string path, string expected)
    {
        Assert.Equal(expected, HostPaths.Normalize(path));
    }

    [Fact]
    public void Normalize_refuses_a_relative_path()
    {
        var error = Assert.Throws<ArgumentException>(() => HostPaths.Normalize("images/disk.qcow2"));
        Assert.Equal("'images/disk.qcow2' is not an absolute path. (Parameter 'path')", error.Message);
    }

    [Theory]
    [InlineData("/a/b/c", "/a/b", true)]
    [InlineData("/a/b", "/a/b", true)]
    [InlineData("/a/b/", "/a/b", true)]
    [InlineData("/a/b/c", "/a/b/", true)]
    [InlineData("/a/bc", "/a/b", false)]
    [InlineData("/a", "/a/b", false)]
    [InlineData("/a/b/../c", "/a/b", false)]
    [InlineData("/a/b/../b/c", "/a/b", true)]
    [InlineData("/x", "/", true)]
    public void IsInside_compares_whole_path_parts(string path, string root, bool inside)
    {
        Assert.Equal(inside, HostPaths.IsInside(path, root));
    }
}
