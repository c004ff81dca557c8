using System.Text.Json;
using System.Text.Json.Serialization;
using Nube.Core.Hosts;
using Nube.Core.Serialization;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Serialization;

public class EnumWordsTests
{
    private enum Renamed { Plain, [JsonStringEnumMemberName("custom-word")] Spelled }

    private enum OutOfOrder { Zebra = 2, Aardvark = 0, Mole = 1 }

    [Fact]
    public void Words_are_the_camelCase_words_of_the_JSON()
    {
        Assert.Equal("turnOff", EnumWords.Word(AutomaticStopAction.TurnOff));
        Assert.Equal("alwaysStart", EnumWords.Word(AutomaticStartAction.AlwaysStart));
        Assert.Equal("kvm", EnumWords.Word(AcceleratorSetting.Kvm));
        Assert.Equal("hardDisk", EnumWords.Word(DriveMedia.HardDisk));
        Assert.Equal("qcow2", EnumWords.Word(DiskFormat.Qcow2));
    }

    [Fact]
    public void Every_word_of_every_enum_of_the_documents_is_what_NubeJson_writes_and_reads()
    {
        AssertMatchesJson<AcceleratorSetting>();
        AssertMatchesJson<Accelerator>();
        AssertMatchesJson<AutomaticStartAction>();
        AssertMatchesJson<AutomaticStopAction>();
        AssertMatchesJson<CrashAction>();
        AssertMatchesJson<BootKind>();
        AssertMatchesJson<DiskFormat>();
        AssertMatchesJson<DriveMedia>();
        AssertMatchesJson<NetworkAdapterKind>();
        AssertMatchesJson<VmState>();
        AssertMatchesJson<VmOperation>();
        AssertMatchesJson<Renamed>();
    }

    [Fact]
    public void A_JsonStringEnumMemberName_wins_over_the_camelCase_name()
    {
        Assert.Equal("custom-word", EnumWords.Word(Renamed.Spelled));
        Assert.True(EnumWords.TryParse<Renamed>("CUSTOM-WORD", out var value));
        Assert.Equal(Renamed.Spelled, value);
        Assert.False(EnumWords.TryParse<Renamed>("spelled", out _));
    }

    [Fact]
    public void Parsing_ignores_case()
    {
        Assert.True(EnumWords.TryParse<AutomaticStopAction>("TURNOFF", out var stop));
        Assert.Equal(AutomaticStopAction.TurnOff, stop);
        Assert.True(EnumWords.TryParse<AcceleratorSetting>("Kvm", out var accelerator));
        Assert.Equal(AcceleratorSetting.Kvm, accelerator);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1")]
    [InlineData("turn off")]
    [InlineData("turnOff ")]
    [InlineData("save,turnOff")]
    public void Numbers_and_unknown_words_are_refused(string? word)
    {
        Assert.False(EnumWords.TryParse<AutomaticStopAction>(word, out var value));
        Assert.Equal(default, value);
    }

    [Fact]
    public void All_lists_the_words_in_declaration_order()
    {
        Assert.Equal(["save", "turnOff", "shutDown"], EnumWords.All<AutomaticStopAction>());
        Assert.Equal(["off", "starting", "running", "paused", "saving", "saved", "stopping", "migrating", "incoming"], EnumWords.All<VmState>());
        Assert.Equal(["zebra", "aardvark", "mole"], EnumWords.All<OutOfOrder>());
    }

    [Fact]
    public void A_value_that_is_no_member_is_shown_as_its_number()
    {
        Assert.Equal("7", EnumWords.Word((CrashAction)7));
    }

    private static void AssertMatchesJson<T>() where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            var json = JsonSerializer.Serialize(value, NubeJson.Options);
            Assert.Equal($"\"{EnumWords.Word(value)}\"", json);
            Assert.Equal(value, JsonSerializer.Deserialize<T>(json, NubeJson.Options));
            Assert.True(EnumWords.TryParse<T>(EnumWords.Word(value), out var parsed));
            Assert.Equal(value, parsed);
        }
        Assert.Equal(Enum.GetValues<T>().Length, EnumWords.All<T>().Count);
    }
}
