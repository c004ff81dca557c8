using Nube.Core.Migration;

namespace Nube.Core.Tests.Migration;

public sealed class MoveProgressTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Progress_names_the_pass_the_bytes_the_dirty_rate_and_the_expected_pause()
    {
        Assert.Equal("copying memory, pass 2: 230 of 512 MiB sent, 40 MiB left, the guest dirties 3.1 MiB/s, expected pause 12 ms",
            MoveProgress.Describe(230 * MiB, 40 * MiB, 512 * MiB, 800, 4096, 2, 12));
        Assert.Equal("copying memory: 0 of 512 MiB sent, 512 MiB left", MoveProgress.Describe(0, 512 * MiB, 512 * MiB, 0, 4096, 0, null));
    }

    [Fact]
    public void The_percentage_is_the_memory_no_longer_waiting_and_can_go_back_when_the_guest_dirties_it_again()
    {
        Assert.Equal(0, MoveProgress.Percent(512 * MiB, 512 * MiB));
        Assert.Equal(92, MoveProgress.Percent(40 * MiB, 512 * MiB));
        Assert.Equal(100, MoveProgress.Percent(0, 512 * MiB));
        Assert.Null(MoveProgress.Percent(0, 0));
    }

    [Fact]
    public void The_result_is_one_line_with_the_pause_the_bytes_and_how_the_memory_went()
    {
        Assert.Equal("Moved to b in 1.24 s; the VM was paused 14 ms; 512 MiB sent in 3 passes, encrypted.",
            MoveProgress.Result("b", TimeSpan.FromMilliseconds(1240), 14, 512 * MiB, 3, MoveRoute.Encrypted));
        Assert.Equal("Moved to b in 0.50 s; 1.5 MiB sent in 1 pass, in the clear.",
            MoveProgress.Result("b", TimeSpan.FromMilliseconds(500), null, 3 * MiB / 2, 1, MoveRoute.InTheClear));
        Assert.Equal("Moved to b in 0.90 s; the VM was paused 610 ms; 160 MiB saved to the shared storage and restored from it.",
            MoveProgress.Result("b", TimeSpan.FromMilliseconds(900), 610, 160 * MiB, 1, MoveRoute.SharedStorage));
    }
}
