using Nube.Core.Validation;
using Nube.Service.Hosting;

namespace Nube.Service.Vms;

/// <summary>
/// The edition's limit on running VMs, checked atomically across VMs: a VM holds a slot from
/// the moment its start is admitted until it is off or saved, so two starts at the limit
/// cannot both pass.
/// </summary>
public sealed class RunAdmission(HostRuntime host)
{
    private readonly Lock gate = new();
    private readonly HashSet<Guid> running = [];

    public int Count
    {
        get
        {
            lock (gate)
                return running.Count;
        }
    }

    /// <summary>Takes a slot for the VM, or throws the edition's limit as a validation error.</summary>
    public void Take(Guid vm)
    {
        lock (gate)
        {
            if (running.Contains(vm))
                return;
            if (HostValidator.CheckRunningVms(running.Count, host.Edition) is { } limit)
                throw new ValidationException([limit]);
            running.Add(vm);
        }
    }

    /// <summary>A VM found running after a restart holds its slot whatever the limit says now.</summary>
    public void Hold(Guid vm)
    {
        lock (gate)
            running.Add(vm);
    }

    public void Release(Guid vm)
    {
        lock (gate)
            running.Remove(vm);
    }
}
