using Nube.Core.Validation;

namespace Nube.Core.Tests.Validation;

public sealed class TokenRulesTests
{
    private static string[] Check(string name, int? days = null, string? user = "alice") =>
        [.. TokenRules.Check(name, days, user, ["alice", "bob"]).Select(e => e.Message)];

    [Fact]
    public void A_label_with_an_optional_lifetime_for_a_user_is_accepted()
    {
        Assert.Empty(Check("backup script"));
        Assert.Empty(Check("ci", 1, "bob"));
        Assert.Empty(Check(new string('t', 64), 3650));
    }

    [Fact]
    public void Every_problem_is_named_with_its_limit()
    {
        Assert.Equal(["name: '' is empty; a token name needs 1 to 64 printable characters"], Check(""));
        Assert.Equal([$"name: '{new string('t', 65)}' has 65 characters; a token name needs 1 to 64 printable characters"],
            Check(new string('t', 65)));
        Assert.Equal(["expiresInDays: 3651 is outside the days 1 to 3650"], Check("ci", 3651));
        Assert.Equal(["userName: 'carol' is not a user"], Check("ci", user: "carol"));
    }

    [Fact]
    public void Every_problem_comes_at_once() =>
        Assert.Equal(
        [
            "name: 'a\\u0009b' contains a control character; a token name needs 1 to 64 printable characters",
            "expiresInDays: 0 is outside the days 1 to 3650",
            "userName: missing; name the user the token acts as (the UNIX socket and the token file act for no user)",
        ], Check("a\tb", 0, null));
}
