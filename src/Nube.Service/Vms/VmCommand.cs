using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>What a VM's controller is asked to do; its loop handles one at a time, in order.</summary>
public abstract record VmCommand;

/// <param name="AgentWait">start only: then wait this long for the guest agent.</param>
public sealed record RunJob(Job Job, VmOperation Operation, TimeSpan? AgentWait) : VmCommand;

/// <summary>A configuration change; <see cref="Change"/> validates and may throw.</summary>
public sealed record ChangeConfig(Func<VmConfig, VmState, VmConfig> Change, TaskCompletionSource<VmSnapshot> Done) : VmCommand;

public sealed record RemoveVm(TaskCompletionSource Done) : VmCommand;

/// <summary>Finds the VM's QEMU after a restart of the host service; true when it had been running.</summary>
public sealed record Reattach(TaskCompletionSource<bool> Done) : VmCommand;

public sealed record QemuEventSeen(QemuSession Session, QmpEvent Event) : VmCommand;

public sealed record QemuConnectionEnded(QemuSession Session) : VmCommand;
