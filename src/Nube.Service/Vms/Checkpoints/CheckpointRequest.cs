using Nube.Core.Checkpoints;
using Nube.Service.Jobs;

namespace Nube.Service.Vms.Checkpoints;

/// <summary>What a checkpoint job is asked to do, as data; the VM's controller runs it on its loop.</summary>
public abstract record CheckpointRequest;

/// <param name="Name">null: Hyper-V's default, the VM's name and the time.</param>
/// <param name="FallbackStandard">A production checkpoint of a guest that cannot freeze becomes a standard one instead of failing.</param>
public sealed record NewCheckpoint(string? Name, CheckpointKind Kind, bool FallbackStandard) : CheckpointRequest;

public sealed record ApplyCheckpoint(string Checkpoint) : CheckpointRequest;

public sealed record RemoveCheckpoint(string Checkpoint) : CheckpointRequest;

/// <summary>A checkpoint job for the VM's controller loop.</summary>
public sealed record CheckpointCommand(Job Job, CheckpointRequest Request) : VmCommand;
