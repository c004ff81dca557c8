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
        { VmState.Starting, VmOperation.Start, "Cannot start the VM: it is starting; start needs off or saved." },
        { VmState.Running, VmOperation.Start, "Cannot start the VM: it is running; start needs off or saved." },
        { VmState.Paused, VmOperation.Start, "Cannot start the VM: it is paused; start needs off or saved." },
        { VmState.Saving, VmOperation.Start, "Cannot start the VM: it is saving; start needs off or saved." },
        { VmState.Stopping, VmOperation.Start, "Cannot start the VM: it is stopping; start needs off or saved." },

        { VmState.Off, VmOperation.Stop, "Cannot stop the VM: it is off; stop needs running." },
        { VmState.Starting, VmOperation.Stop, "Cannot stop the VM: it is starting; stop needs running." },
        { VmState.Paused, VmOperation.Stop, "Cannot stop the VM: it is paused; stop needs running." },
        { VmState.Saving, VmOperation.Stop, "Cannot stop the VM: it is saving; stop needs running." },
        { VmState.Saved, VmOperation.Stop, "Cannot stop the VM: it is saved; stop needs running." },
        { VmState.Stopping, VmOperation.Stop, "Cannot stop the VM: it is stopping; stop needs running." },

        { VmState.Off, VmOperation.TurnOff, "Cannot turn off the VM: it is off; turn off needs running, paused, starting, stopping or saving." },
        { VmState.Saved, VmOperation.TurnOff, "Cannot turn off the VM: it is saved; turn off needs running, paused, starting, stopping or saving." },

        { VmState.Off, VmOperation.Pause, "Cannot pause the VM: it is off; pause needs running." },
        { VmState.Starting, VmOperation.Pause, "Cannot pause the VM: it is starting; pause needs running." },
        { VmState.Paused, VmOperation.Pause, "Cannot pause the VM: it is paused; pause needs running." },
        { VmState.Saving, VmOperation.Pause, "Cannot pause the VM: it is saving; pause needs running." },
        { VmState.Saved, VmOperation.Pause, "Cannot pause the VM: it is saved; pause needs running." },
        { VmState.Stopping, VmOperation.Pause, "Cannot pause the VM: it is stopping; pause needs running." },

        { VmState.Off, VmOperation.Resume, "Cannot resume the VM: it is off; resume needs paused." },
        { VmState.Starting, VmOperation.Resume, "Cannot resume the VM: it is starting; resume needs paused." },
        { VmState.Running, VmOperation.Resume, "Cannot resume the VM: it is running; resume needs paused." },
        { VmState.Saving, VmOperation.Resume, "Cannot resume the VM: it is saving; resume needs paused." },
        { VmState.Saved, VmOperation.Resume, "Cannot resume the VM: it is saved; resume needs paused." },
        { VmState.Stopping, VmOperation.Resume, "Cannot resume the VM: it is stopping; resume needs paused." },

        { VmState.Off, VmOperation.Save, "Cannot save the VM: it is off; save needs running or paused." },
        { VmState.Starting, VmOperation.Save, "Cannot save the VM: it is starting; save needs running or paused." },
        { VmState.Saving, VmOperation.Save, "Cannot save the VM: it is saving; save needs running or paused." },
        { VmState.Saved, VmOperation.Save, "Cannot save the VM: it is saved; save needs running or paused." },
        { VmState.Stopping, VmOperation.Save, "Cannot save the VM: it is stopping; save needs running or paused." },
        // A move ends these states; no lifecycle operation may cut in.
        { VmState.Migrating, VmOperation.Start, "Cannot start the VM: it is migrating; start needs off or saved." },
        { VmState.Migrating, VmOperation.Stop, "Cannot stop the VM: it is migrating; stop needs running." },
        { VmState.Migrating, VmOperation.TurnOff, "Cannot turn off the VM: it is migrating; turn off needs running, paused, starting, stopping or saving." },
        { VmState.Migrating, VmOperation.Pause, "Cannot pause the VM: it is migrating; pause needs running." },
        { VmState.Migrating, VmOperation.Resume, "Cannot resume the VM: it is migrating; resume needs paused." },
        { VmState.Migrating, VmOperation.Save, "Cannot save the VM: it is migrating; save needs running or paused." },
        { VmState.Incoming, VmOperation.Start, "Cannot start the VM: it is incoming; start needs off or saved." },
        { VmState.Incoming, VmOperation.Stop, "Cannot stop the VM: it is incoming; stop needs running." },
        { VmState.Incoming, VmOperation.TurnOff, "Cannot turn off the VM: it is incoming; turn off needs running, paused, starting, stopping or saving." },
        { VmState.Incoming, VmOperation.Pause, "Cannot pause the VM: it is incoming; pause needs running." },
        { VmState.Incoming, VmOperation.Resume, "Cannot resume the VM: it is incoming; resume needs paused." },
        { VmState.Incoming, VmOperation.Save, "Cannot save the VM: it is incoming; save needs running or paused." },
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
