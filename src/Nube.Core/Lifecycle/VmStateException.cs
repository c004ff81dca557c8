using Nube.Core.Vms;

namespace Nube.Core.Lifecycle;

/// <summary>An operation asked of a VM in a state that does not allow it.</summary>
public sealed class VmStateException : InvalidOperationException
{
    public VmStateException(VmOperation operation, VmState state, IReadOnlyList<VmState> allowed, string? vmName = null)
        : base($"Cannot {VmLifecycle.Verb(operation)} {(vmName is null ? "the VM" : $"VM '{vmName}'")}: it is {VmLifecycle.Word(state)}; " +
               $"{VmLifecycle.Verb(operation)} needs {VmLifecycle.Either(allowed)}.")
    {
        Operation = operation;
        State = state;
        Allowed = allowed;
    }

    public VmOperation Operation { get; }
    public VmState State { get; }
    public IReadOnlyList<VmState> Allowed { get; }
}
