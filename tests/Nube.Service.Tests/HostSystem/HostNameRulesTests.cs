using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

public sealed class HostNameRulesTests
{
    private static string[] Check(string name) => [.. HostNameRules.Check(name).Select(e => e.Message)];

    [Theory]
    [InlineData("vm")]
    [InlineData("web-01")]
    [InlineData("HV1")]
    [InlineData("9host")]
    [InlineData("host.example.org")]
    public void Accepts_rfc_1123_names(string name) => Assert.Empty(Check(name));

    [Fact]
    public void Accepts_the_longest_labels_and_name()
    {
        var label = new string('a', 63);
        Assert.Empty(Check(label));
        var longest = string.Join('.', label, label, label, new string('b', 61));
        Assert.Equal(253, longest.Length);
        Assert.Empty(Check(longest));
    }

    [Fact]
    public void Names_the_characters_that_are_not_allowed() =>
        Assert.Equal(["hostName: 'bad_name!' contains '_' and '!'; a host name may hold only letters, digits, hyphens and dots"],
            Check("bad_name!"));

    [Fact]
    public void An_empty_name_is_refused() =>
        Assert.Equal(["hostName: '' is empty; a host name needs 1 to 253 characters"], Check(""));

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var longLabel = new string('x', 64);
        Assert.Equal(
        [
            $"hostName: 'a..-b.{longLabel}' has an empty label; each label between dots needs 1 to 63 characters",
            $"hostName: the label '{longLabel}' has 64 characters, over the limit of 63",
            "hostName: the label '-b' begins or ends with a hyphen, which a host name may not",
        ], Check($"a..-b.{longLabel}"));
    }

    [Fact]
    public void A_name_over_253_characters_is_refused()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('a', 50), 5)) + ".ab";
        Assert.Equal(257, name.Length);
        Assert.Equal([$"hostName: '{name}' has 257 characters, over the limit of 253"], Check(name));
    }

    [Fact]
    public void Control_characters_and_non_ascii_letters_are_shown_escaped_on_one_line() =>
        Assert.Equal(["hostName: 'h\\nö' contains '\\n' and 'ö'; a host name may hold only letters, digits, hyphens and dots"],
            Check("h\nö"));

    [Fact]
    public void A_trailing_dot_is_an_empty_label() =>
        Assert.Equal(["hostName: 'host.' has an empty label; each label between dots needs 1 to 63 characters"], Check("host."));
}
