using Nube.Linux;

namespace Nube.Qemu.Tests.Linux;

/// <summary>The host probe's CPU counting, on samples; the end-to-end tests compare it with this machine.</summary>
public sealed class HostProbeParsingTests
{
    [Theory]
    [InlineData("0", 1)]
    [InlineData("5", 1)]
    [InlineData("0-1\n", 2)]
    [InlineData("0-3,8-11\n", 8)]
    [InlineData("0,2,4-5", 4)]
    [InlineData("0-255", 256)]
    public void Counts_a_cpu_list(string online, int count)
    {
        Assert.Equal(count, HostProbe.ParseCpuList(online));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("\n", @"\u000A")]
    [InlineData("0-1\n\n", @"0-1\u000A\u000A")]
    [InlineData(" 0-1", " 0-1")]
    [InlineData("0 - 1", "0 - 1")]
    [InlineData("0-1-2", "0-1-2")]
    [InlineData("-1", "-1")]
    [InlineData("+1", "+1")]
    [InlineData("3-1", "3-1")]
    [InlineData("0-3,2-5", "0-3,2-5")]
    [InlineData("4,0", "4,0")]
    [InlineData("0,,1", "0,,1")]
    [InlineData("0x1", "0x1")]
    [InlineData("99999999999", "99999999999")]
    [InlineData("0-2147483647", "0-2147483647")]
    public void Refuses_anything_else_and_shows_it(string online, string shown)
    {
        var error = Assert.Throws<FormatException>(() => HostProbe.ParseCpuList(online));
        Assert.Equal($"The CPU list '{shown}' is not a list of ascending CPU numbers and ranges such as '0-3,8-11'.", error.Message);
    }

    [Fact]
    public void Counts_the_processor_entries_of_cpuinfo()
    {
        const string cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\n\n";
        Assert.Equal(2, HostProbe.CountCpuinfoProcessors(cpuinfo));
        Assert.Equal(0, HostProbe.CountCpuinfoProcessors("model name\t: a processor : of some kind\n"));
    }

    [Fact]
    public void The_processors_name_is_the_first_model_name_with_its_spaces_tidied()
    {
        Assert.Equal("AMD EPYC 7763 64-Core Processor",
            HostProbe.ProcessorName("processor\t: 0\nmodel name\t: AMD EPYC 7763   64-Core Processor  \nprocessor\t: 1\nmodel name\t: other\n"));
        Assert.Equal("", HostProbe.ProcessorName("processor\t: 0\nvendor_id\t: GenuineIntel\n"));
    }
}
