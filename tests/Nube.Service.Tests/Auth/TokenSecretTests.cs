using Nube.Service.Auth;

namespace Nube.Service.Tests.Auth;

public sealed class TokenSecretTests
{
    [Fact]
    public void A_secret_carries_its_id_and_32_random_bytes()
    {
        var id = TokenSecret.NewId();
        var secret = TokenSecret.Make(id);

        Assert.Matches("^[0-9a-f]{12}$", id);
        Assert.StartsWith($"nube_{id}_", secret);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(secret.AsSpan($"nube_{id}_".Length)).Length);
        Assert.Equal(id, TokenSecret.IdOf(secret));
        Assert.NotEqual(secret, TokenSecret.Make(id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("s3cret-token")]
    [InlineData("nube_")]
    [InlineData("nube_0123456789ab")]
    [InlineData("nube_0123456789ab_")]
    [InlineData("nube_0123456789AB_secret")]
    [InlineData("nube_0123456789a_secret")]
    [InlineData("nube_0123456789abc_secret")]
    [InlineData("xube_0123456789ab_secret")]
    public void Text_not_shaped_as_a_secret_has_no_id(string text) => Assert.Null(TokenSecret.IdOf(text));

    [Fact]
    public void An_underscore_in_the_random_part_is_part_of_the_secret() =>
        Assert.Equal("0123456789ab", TokenSecret.IdOf("nube_0123456789ab_ab_cd-ef"));

    [Fact]
    public void Only_the_hash_of_the_secret_is_compared()
    {
        var secret = TokenSecret.Make(TokenSecret.NewId());
        var hash = TokenSecret.HashOf(secret);

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.DoesNotContain(secret, hash);
        Assert.True(TokenSecret.Matches(secret, hash));
        Assert.False(TokenSecret.Matches(secret + "x", hash));
    }
}
