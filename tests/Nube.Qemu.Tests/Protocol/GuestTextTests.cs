using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

public sealed class GuestTextTests
{
    [Theory]
    [InlineData("Debian GNU/Linux 12 (bookworm)", "Debian GNU/Linux 12 (bookworm)")]
    [InlineData("Ubuntu 24.04 LTS – Noble Numbat ✓ 🐧", "Ubuntu 24.04 LTS – Noble Numbat ✓ 🐧")]
    [InlineData("", "")]
    [InlineData("\u001b[31mred\u001b[0m", "?[31mred?[0m")]
    [InlineData("a\tb\r\nc\0d\u007fe", "a?b??c?d?e")]
    [InlineData("c1\u0085\u009b31m", "c1??31m")]
    [InlineData("evil\u202etxt.exe", "evil?txt.exe")]
    [InlineData("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069", "????????")]
    [InlineData("zero\u200bwidth\u200c\u200d\u2060\ufeff\u00ad", "zero?width?????")]
    [InlineData("line\u2028para\u2029", "line?para?")]
    [InlineData("tag\U000E0041\U000E007F", "tag??")]
    public void Unsafe_characters_become_question_marks(string guest, string shown)
    {
        Assert.Equal(shown, GuestText.Sanitize(guest));
    }

    [Fact]
    public void Lone_surrogates_become_question_marks()
    {
        // Built here: theory data would not carry a lone surrogate through to the test intact.
        const char high = '\ud83d', low = '\udc27';
        Assert.Equal("lone ? high", GuestText.Sanitize($"lone {high} high"));
        Assert.Equal("lone ? low", GuestText.Sanitize($"lone {low} low"));
        Assert.Equal("reversed ??", GuestText.Sanitize($"reversed {low}{high}"));
        Assert.Equal("ends high ?", GuestText.Sanitize($"ends high {high}"));
        Assert.Equal("pair 🐧 kept", GuestText.Sanitize($"pair {high}{low} kept"));
    }

    [Fact]
    public void Null_is_empty()
    {
        Assert.Equal("", GuestText.Sanitize(null));
    }

    [Fact]
    public void Text_is_cut_at_512_characters_with_an_ellipsis()
    {
        Assert.Equal(new string('x', 512), GuestText.Sanitize(new string('x', 512)));
        Assert.Equal(new string('x', 512) + "…", GuestText.Sanitize(new string('x', 513)));
        Assert.Equal(new string('x', 512) + "…", GuestText.Sanitize(new string('x', 10_000)));
    }

    [Fact]
    public void A_surrogate_pair_at_the_bound_is_left_out_whole_rather_than_cut_in_half()
    {
        string text = new string('x', 511) + "🐧" + "tail";
        string shown = GuestText.Sanitize(text);
        Assert.Equal(new string('x', 511) + "…", shown);
        Assert.Equal(new string('x', 510) + "🐧…", GuestText.Sanitize(new string('x', 510) + "🐧tail"));
    }
}
