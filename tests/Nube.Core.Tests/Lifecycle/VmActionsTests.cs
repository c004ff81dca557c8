using Nube.Core.Lifecycle;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Lifecycle;

/// <summary>The actions the API offers per state, written out so that a change of the rules shows here.</summary>
public class VmActionsTests
{
    public static TheoryData<VmState, string[]> Expected => new()
    {
        { VmState.Off, ["start", "remove", "new-checkpoint", "remove-checkpoint", "apply-checkpoint"] },
        { VmState.Saved, ["start", "remove", "new-checkpoint", "remove-checkpoint", "apply-checkpoint"] },
        { VmState.Running, ["stop", "turn-off", "pause", "save", "new-checkpoint", "remove-checkpoint", "move"] },
        { VmState.Paused, ["turn-off", "resume", "save", "new-checkpoint", "remove-checkpoint", "move"] },
        { VmState.Starting, ["turn-off"] },
        { VmState.Stopping, ["turn-off"] },
        { VmState.Saving, ["turn-off"] },
        // A move ends these: nothing may cut in.
        { VmState.Migrating, [] },
        { VmState.Incoming, [] },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Each_state_offers_exactly_its_actions(VmState state, string[] expected) =>
        Assert.Equal(expected, VmActions.Allowed(state));

    [Fact]
    public void A_broken_vm_may_only_be_removed()
    {
        foreach (var state in Enum.GetValues<VmState>())
            Assert.Equal(["remove"], VmActions.Allowed(state, broken: true));
    }

    [Fact]
    public void A_lifecycle_operation_is_offered_exactly_where_the_table_begins_it()
    {
        foreach (var state in Enum.GetValues<VmState>())
        {
            foreach (var op in Enum.GetValues<VmOperation>())
            {
                var offered = VmActions.Allowed(state).Contains(VmActions.Word(op));
                var begins = Record.Exception(() => VmLifecycle.Begin(state, op)) is null;
                Assert.True(offered == begins, $"{op} from {state}: offered {offered}, the table begins it {begins}");
            }
        }
    }

    [Theory]
    [InlineData(VmOperation.TurnOff, "turn-off")]
    [InlineData(VmOperation.Start, "start")]
    [InlineData(VmOperation.Save, "save")]
    public void An_operation_word_is_its_path_segment(VmOperation op, string word) => Assert.Equal(word, VmActions.Word(op));
}
