using Nube.Core.Validation;

namespace Nube.Core.Tests.Validation;

public sealed class UserRulesTests
{
    private static string[] New(string name, string password = "correct horse", params string[] existing) =>
        [.. UserRules.CheckNew(name, password, existing).Select(e => e.Message)];

    [Theory]
    [InlineData("alice")]
    [InlineData("_svc")]
    [InlineData("ops-2.backup_x")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public void A_name_shaped_as_a_linux_user_name_is_accepted(string name) => Assert.Empty(New(name));

    [Fact]
    public void Every_problem_of_a_name_is_named_with_the_rule()
    {
        Assert.Equal(["name: '' is empty; a user name needs 1 to 32 characters"], New(""));
        Assert.Equal(["name: 'abcdefghijklmnopqrstuvwxyz0123456' has 33 characters; a user name needs 1 to 32 characters"],
            New("abcdefghijklmnopqrstuvwxyz0123456"));
        Assert.Equal(["name: 'Alice' contains 'A'; a user name has lowercase letters, digits, '_', '.' and '-', and begins with a letter or '_'"],
            New("Alice"));
        Assert.Equal(["name: 'a b' contains ' '; a user name has lowercase letters, digits, '_', '.' and '-', and begins with a letter or '_'"],
            New("a b"));
        Assert.Equal(["name: 'a\\u000Ab' contains '\\u000A'; a user name has lowercase letters, digits, '_', '.' and '-', and begins with a letter or '_'"],
            New("a\nb"));
        Assert.Equal(["name: '-x' begins with '-'; a user name has lowercase letters, digits, '_', '.' and '-', and begins with a letter or '_'"],
            New("-x"));
        Assert.Equal(["name: '1st' begins with '1'; a user name has lowercase letters, digits, '_', '.' and '-', and begins with a letter or '_'"],
            New("1st"));
        Assert.Equal(["name: 'alice' is already a user"], New("alice", "correct horse", "bob", "alice"));
    }

    [Fact]
    public void A_password_is_measured_but_never_quoted()
    {
        Assert.Equal(["password: has 7 characters; a password needs 8 to 1024 characters"], New("alice", "s3cret!"));
        Assert.Equal(["password: has 1025 characters; a password needs 8 to 1024 characters"], New("alice", new string('p', 1025)));
        var errors = UserRules.CheckNew("alice", "line one\nline two", []);
        Assert.Equal(["password: has a control character at position 9; a password is text on one line"], errors.Select(e => e.Message));
        Assert.Equal("17 characters", errors[0].Value);
        Assert.Empty(New("alice", "pässwört with spaces"));
        Assert.Empty(New("alice", new string('p', 1024)));
    }

    [Fact]
    public void Every_problem_comes_at_once() =>
        Assert.Equal(
        [
            "name: 'Root' contains 'R'; a user name has lowercase letters, digits, '_', '.' and '-', and begins with a letter or '_'",
            "password: has 3 characters; a password needs 8 to 1024 characters",
        ], New("Root", "abc"));
}
