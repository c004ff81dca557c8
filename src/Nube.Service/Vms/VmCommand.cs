using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>What a VM's controller is asked to do; its loop handles one at a time, in order.</summary>
public abstract record VmCommand
{
    /// <summary>Answers a command that finds its VM gone; jobs are failed by the controller, which keeps them.</summary>
    public virtual void Refuse(Exception gone)
    {
    }
}

/// <param name="AgentWait">start only: then wait this long for the guest agent.</param>
public sealed record RunJob(Job Job, VmOperation Operation, TimeSpan? AgentWait) : VmCommand;

/// <summary>A configuration change, judged by every rule when its turn comes.</summary>
/// <param name="Errors">Problems the caller already found in the request, reported with the rules' own.</param>
public sealed record ChangeConfig(ConfigChange Change, IReadOnlyList<ValidationError> Errors, TaskCompletionSource<VmSnapshot> Done) : VmCommand
{
    public override void Refuse(Exception gone) => Done.TrySetException(gone);
}

public sealed record RemoveVm(TaskCompletionSource Done) : VmCommand
{
    public override void Refuse(Exception gone) => Done.TrySetException(gone);
}

/// <summary>Finds the VM's QEMU after a restart of the host service; true when it had been running.</summary>
public sealed record Reattach(TaskCompletionSource<bool> Done) : VmCommand
{
    public override void Refuse(Exception gone) => Done.TrySetResult(false);
}

public sealed record QemuEventSeen(QemuSession Session, QmpEvent Event) : VmCommand;

public sealed record QemuConnectionEnded(QemuSession Session) : VmCommand;
