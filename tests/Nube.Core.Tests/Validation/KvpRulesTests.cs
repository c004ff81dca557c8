using System.Collections.Immutable;
using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Validation;

public sealed class KvpRulesTests
{
    private static List<string> Key(string? key)
    {
        var errors = new List<ValidationError>();
        KvpRules.CheckKey("key", key, errors);
        return [.. errors.Select(e => e.Message)];
    }

    private static List<string> Value(string? value)
    {
        var errors = new List<ValidationError>();
        KvpRules.CheckValue("value", value, errors);
        return [.. errors.Select(e => e.Message)];
    }

    [Theory]
    [InlineData("site")]
    [InlineData("a key with spaces")]
    [InlineData(".hidden")]
    [InlineData("ünïcödé-ключ")]
    public void A_key_that_is_one_file_name_is_accepted(string key) => Assert.Empty(Key(key));

    [Fact]
    public void Every_problem_of_a_key_is_named_with_the_limit()
    {
        Assert.Equal(["key: missing; give the pair's key"], Key(""));
        Assert.Equal(["key: 'a/b' contains '/'; a key is a file name in the guest"], Key("a/b"));
        Assert.Equal(["key: '..' is not a file name; a key is a file name in the guest"], Key(".."));
        Assert.Equal(["key: '.' is not a file name; a key is a file name in the guest"], Key("."));
        Assert.Equal(["key: 'a\\u000Ab' contains a control character (U+000A); keys are text on one line"], Key("a\nb"));
        Assert.Equal(["key: 'x\\u0000' contains a control character (U+0000); keys are text on one line"], Key("x\0"));
        Assert.Equal(["key: 256 bytes exceed the limit of 255 bytes (UTF-8); a key is a file name in the guest, " +
            "and Linux file names are at most 255 bytes (Hyper-V allows 512)"], Key(new string('k', 256)));
        // 128 two-byte characters: 256 bytes, though only 128 characters.
        Assert.Single(Key(new string('é', 128)));
        Assert.Empty(Key(new string('k', 255)));
        Assert.Equal(["key: '\ud800' is not valid Unicode text"], Key("\ud800"));
    }

    [Fact]
    public void A_value_is_one_line_of_at_most_2048_bytes()
    {
        Assert.Empty(Value(""));
        Assert.Empty(Value(new string('v', 2048)));
        Assert.Equal(["value: 2049 bytes exceed the limit of 2048 bytes (UTF-8)"], Value(new string('v', 2049)));
        Assert.Equal(["value: 2050 bytes exceed the limit of 2048 bytes (UTF-8)"], Value(new string('é', 1025)));
        Assert.Equal(["value: contains a control character (U+001B) at position 4; values are text on one line"], Value("red\u001b[0m"));
        Assert.Equal(["value: missing; give the pair's value (it may be empty)"], Value(null));
    }

    [Fact]
    public void A_vms_host_pairs_are_checked_together()
    {
        var errors = new List<ValidationError>();
        KvpRules.Check([new KvpHostItem("a", "1"), new KvpHostItem("a", "2"), new KvpHostItem("b/c", "x\ty")], errors);
        Assert.Equal([
            "kvpHostItems[1].key: 'a' appears more than once",
            "kvpHostItems[2].key: 'b/c' contains '/'; a key is a file name in the guest",
            "kvpHostItems[2].value: contains a control character (U+0009) at position 2; values are text on one line",
        ], errors.Select(e => e.Message));

        errors.Clear();
        KvpRules.Check([.. Enumerable.Range(0, 129).Select(i => new KvpHostItem($"k{i}", ""))], errors);
        Assert.Equal(["kvpHostItems: 129 pairs exceed the limit of 128 pairs per VM"], errors.Select(e => e.Message));
    }

    [Fact]
    public void Host_pairs_may_change_while_the_vm_runs_and_show_in_the_diff()
    {
        var before = new VmConfig { Id = Guid.NewGuid(), Name = "vm" };
        var after = before with { KvpHostItems = ImmutableArray.Create(new KvpHostItem("site", "berlin")) };
        var diff = VmConfigDiff.Compute(before, after);
        Assert.Equal([VmFields.KvpHostItems], diff.Changes.Select(c => c.Field));
        Assert.Empty(LiveChanges.Check(diff, VmState.Running));
        Assert.True(VmConfigDiff.Compute(after, after with { KvpHostItems = [new KvpHostItem("site", "berlin")] }).IsEmpty);
    }
}
