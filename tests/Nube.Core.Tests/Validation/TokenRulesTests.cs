using Nube.Core.Validation;

namespace Nube.Core.Tests.Validation;

public sealed class TokenRulesTests
{
    private static string[] Check(string name, int? days = null) => [.. TokenRules.Check(name, days).Select(e => e.Message)];

    [Fact]
    public void A_label_with_an_optional_lifetime_is_accepted()
    {
        Assert.Empty(Check("backup script"));
        Assert.Empty(Check("ci", 1));
        Assert.Empty(Check(new string('t', 64), 3650));
    }

    [Fact]
    public void Every_problem_is_named_with_its_limit()
    {
        Assert.Equal(["name: '' is empty; a token name needs 1 to 64 printable characters"], Check(""));
        Assert.Equal([$"name: '{new string('t', 65)}' has 65 characters; a token name needs 1 to 64 printable characters"],
            Check(new string('t', 65)));
        Assert.Equal(
        [
            "name: 'a\\u0009b' contains a control character; a token name needs 1 to 64 printable characters",
            "expiresInDays: 0 is outside the days 1 to 3650",
        ], Check("a\tb", 0));
        Assert.Equal(["expiresInDays: 3651 is outside the days 1 to 3650"], Check("ci", 3651));
    }
}
