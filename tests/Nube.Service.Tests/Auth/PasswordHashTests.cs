using Nube.Service.Auth;

namespace Nube.Service.Tests.Auth;

public sealed class PasswordHashTests
{
    [Fact]
    public void A_hash_names_its_algorithm_and_cost_and_takes_a_fresh_salt_each_time()
    {
        var first = PasswordHash.Hash("correct horse");
        var second = PasswordHash.Hash("correct horse");

        var parts = first.Split('$');
        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("600000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.NotEqual(first, second);
        Assert.True(PasswordHash.Verify("correct horse", first));
        Assert.True(PasswordHash.Verify("correct horse", second));
    }

    [Fact]
    public void A_wrong_password_does_not_match()
    {
        var stored = PasswordHash.Hash("correct horse", iterations: 1000);
        Assert.False(PasswordHash.Verify("correct horsf", stored));
        Assert.False(PasswordHash.Verify("", stored));
        Assert.True(PasswordHash.Verify("correct horse", stored));
    }

    [Fact]
    public void A_hash_keeps_the_cost_it_was_made_with() =>
        Assert.True(PasswordHash.Verify("older", PasswordHash.Hash("older", iterations: 1000)));

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("pbkdf2-sha1$1000$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$0$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$-5$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$not base64!$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$c2FsdA==$")]
    [InlineData("pbkdf2-sha256$1000$c2FsdA==$aGFzaA==$extra")]
    public void A_malformed_hash_matches_nothing(string stored) => Assert.False(PasswordHash.Verify("anything", stored));
}
