using Nube.Core.Lifecycle;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Lifecycle;

/// <summary>Every (state, operation) pair: 7 states x 6 operations.</summary>
public class VmLifecycleTests
{
    public static TheoryData<VmState, VmOperation, VmState, VmState> Allowed => new()
    {
        { VmState.Off, VmOperation.Start, VmState.Starting, VmState.Running },
        { VmState.Saved, VmOperation.Start, VmState.Starting, VmState.Running },
        { VmState.Running, VmOperation.Stop, VmState.Stopping, VmState.Off },
        { VmState.Running, VmOperation.TurnOff, VmState.Stopping, VmState.Off },
        { VmState.Paused, VmOperation.TurnOff, VmState.Stopping, VmState.Off },
        { VmState.Starting, VmOperation.TurnOff, VmState.Stopping, VmState.Off },
        { VmState.Stopping, VmOperation.TurnOff, VmState.Stopping, VmState.Off },
        { VmState.Saving, VmOperation.TurnOff, VmState.Stopping, VmState.Off },
        { VmState.Running, VmOperation.Pause, VmState.Paused, VmState.Paused },
        { VmState.Paused, VmOperation.Resume, VmState.Running, VmState.Running },
        { VmState.Running, VmOperation.Save, VmState.Saving, VmState.Saved },
        { VmState.Paused, VmOperation.Save, VmState.Saving, VmState.Saved },
    };

    public static TheoryData<VmState, VmOperation, string> Refused => new()
    {
        { VmState.Starting, VmOperation.Start, "Cannot start the VM: it is Starting; start needs Off or Saved." },
        { VmState.Running, VmOperation.Start, "Cannot start the VM: it is Running; start needs Off or Saved." },
        { VmState.Paused, VmOperation.Start, "Cannot start the VM: it is Paused; start needs Off or Saved." },
        { VmState.Saving, VmOperation.Start, "Cannot start the VM: it is Saving; start needs Off or Saved." },
        { VmState.Stopping, VmOperation.Start, "Cannot start the VM: it is Stopping; start needs Off or Saved." },

        { VmState.Off, VmOperation.Stop, "Cannot stop the VM: it is Off; stop needs Running." },
        { VmState.Starting, VmOperation.Stop, "Cannot stop the VM: it is Starting; stop needs Running." },
        { VmState.Paused, VmOperation.Stop, "Cannot stop the VM: it is Paused; stop needs Running." },
        { VmState.Saving, VmOperation.Stop, "Cannot stop the VM: it is Saving; stop needs Running." },
        { VmState.Saved, VmOperation.Stop, "Cannot stop the VM: it is Saved; stop needs Running." },
        { VmState.Stopping, VmOperation.Stop, "Cannot stop the VM: it is Stopping; stop needs Running." },

        { VmState.Off, VmOperation.TurnOff, "Cannot turn off the VM: it is Off; turn off needs Running, Paused, Starting, Stopping or Saving." },
        { VmState.Saved, VmOperation.TurnOff, "Cannot turn off the VM: it is Saved; turn off needs Running, Paused, Starting, Stopping or Saving." },

        { VmState.Off, VmOperation.Pause, "Cannot pause the VM: it is Off; pause needs Running." },
        { VmState.Starting, VmOperation.Pause, "Cannot pause the VM: it is Starting; pause needs Running." },
        { VmState.Paused, VmOperation.Pause, "Cannot pause the VM: it is Paused; pause needs Running." },
        { VmState.Saving, VmOperation.Pause, "Cannot pause the VM: it is Saving; pause needs Running." },
        { VmState.Saved, VmOperation.Pause, "Cannot pause the VM: it is Saved; pause needs Running." },
        { VmState.Stopping, VmOperation.Pause, "Cannot pause the VM: it is Stopping; pause needs Running." },

        { VmState.Off, VmOperation.Resume, "Cannot resume the VM: it is Off; resume needs Paused." },
        { VmState.Starting, VmOperation.Resume, "Cannot resume the VM: it is Starting; resume needs Paused." },
        { VmState.Running, VmOperation.Resume, "Cannot resume the VM: it is Running; resume needs Paused." },
        { VmState.Saving, VmOperation.Resume, "Cannot resume the VM: it is Saving; resume needs Paused." },
        { VmState.Saved, VmOperation.Resume, "Cannot resume the VM: it is Saved; resume needs Paused." },
        { VmState.Stopping, VmOperation.Resume, "Cannot resume the VM: it is Stopping; resume needs Paused." },

        { VmState.Off, VmOperation.Save, "Cannot save the VM: it is Off; save needs Running or Paused." },
        { VmState.Starting, VmOperation.Save, "Cannot save the VM: it is Starting; save needs Running or Paused." },
        { VmState.Saving, VmOperation.Save, "Cannot save the VM: it is Saving; save needs Running or Paused." },
        { VmState.Saved, VmOperation.Save, "Cannot save the VM: it is Saved; save needs Running or Paused." },
        { VmState.Stopping, VmOperation.Save, "Cannot save the VM: it is Stopping; save needs Running or Paused." },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Allowed_operations_give_their_transition(VmState from, VmOperation op, VmState during, VmState success)
    {
        Assert.Equal(new VmTransition(from, during, success), VmLifecycle.Begin(from, op));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refused_operations_say_which_states_they_need(VmState state, VmOperation op, string message)
    {
        var e = Assert.Throws<VmStateException>(() => VmLifecycle.Begin(state, op));
        Assert.Equal(message, e.Message);
        Assert.Equal(op, e.Operation);
        Assert.Equal(state, e.State);
        Assert.Equal(VmLifecycle.AllowedFrom(op), e.Allowed);
    }

    [Fact]
    public void The_two_lists_cover_every_pair_once()
    {
        var pairs = Allowed.Select(row => ((VmState)row[0], (VmOperation)row[1]))
            .Concat(Refused.Select(row => ((VmState)row[0], (VmOperation)row[1])))
            .ToList();
        Assert.Equal(Enum.GetValues<VmState>().Length * Enum.GetValues<VmOperation>().Length, pairs.Count);
        Assert.Equal(pairs.Count, pairs.Distinct().Count());
    }

    [Theory]
    [InlineData(VmOperation.Start, new[] { VmState.Off, VmState.Saved })]
    [InlineData(VmOperation.Stop, new[] { VmState.Running })]
    [InlineData(VmOperation.TurnOff, new[] { VmState.Running, VmState.Paused, VmState.Starting, VmState.Stopping, VmState.Saving })]
    [InlineData(VmOperation.Pause, new[] { VmState.Running })]
    [InlineData(VmOperation.Resume, new[] { VmState.Paused })]
    [InlineData(VmOperation.Save, new[] { VmState.Running, VmState.Paused })]
    public void AllowedFrom_lists_the_states_in_table_order(VmOperation op, VmState[] states)
    {
        Assert.Equal(states, VmLifecycle.AllowedFrom(op));
    }
}
