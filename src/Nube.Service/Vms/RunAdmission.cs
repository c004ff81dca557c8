using Nube.Service.Hosts;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Server;

namespace Nube.Service.Vms;

/// <summary>
/// What running VMs take from the host, checked atomically across VMs: the edition's limit on
/// running VMs, and the processor reserves (as in Hyper-V, the reserves of the running VMs
/// together are at most the host's logical processors). A VM holds its slot and its reserve from
/// the moment its start is admitted until it is off or saved, so two starts at a limit cannot
/// both pass.
/// </summary>
public sealed class RunAdmission(HostRuntime host)
{
    private readonly Lock gate = new();
    /// <summary>Each running VM's reserve, in percent of one logical processor (reserve × vCPUs).</summary>
    private readonly Dictionary<Guid, int> running = [];

    public int Count
    {
        get
        {
            lock (gate)
                return running.Count;
        }
    }

    /// <summary>Takes a slot and the reserve for the VM, or throws the limit it would pass as a validation error.</summary>
    public void Take(VmConfig vm)
    {
        lock (gate)
        {
            if (running.ContainsKey(vm.Id))
                return;
            if (HostValidator.CheckRunningVms(running.Count, host.Edition) is { } limit)
                throw new ValidationException([limit]);
            CheckReserve(vm);
            running[vm.Id] = Reserve(vm);
        }
    }

    /// <summary>A running VM's new reserve, taken if the host has it; else the old one stays and this throws.</summary>
    public void ChangeReserve(VmConfig vm)
    {
        lock (gate)
        {
            if (!running.ContainsKey(vm.Id))
                return;
            CheckReserve(vm);
            running[vm.Id] = Reserve(vm);
        }
    }

    /// <summary>A VM found running after a restart holds its slot and reserve whatever the limits say now.</summary>
    /// <param name="config">Null for a VM whose configuration cannot be read: it holds a slot and no reserve.</param>
    public void Hold(Guid vm, VmConfig? config)
    {
        lock (gate)
            running[vm] = config is null ? 0 : Reserve(config);
    }

    public void Release(Guid vm)
    {
        lock (gate)
            running.Remove(vm);
    }

    private static int Reserve(VmConfig vm) => vm.CpuReserve * vm.ProcessorCount;

    // Caller holds gate.
    private void CheckReserve(VmConfig vm)
    {
        var wanted = Reserve(vm);
        if (wanted == 0)
            return;
        var others = running.Where(r => r.Key != vm.Id).Sum(r => r.Value);
        var capacity = host.Facts.LogicalProcessors * 100;
        if (others + wanted > capacity)
            throw new ValidationException([new(VmFields.CpuReserve, $"{vm.CpuReserve}",
                $"cpuReserve: VM '{vm.Name}' reserves {vm.CpuReserve} % of {vm.ProcessorCount} virtual processor{(vm.ProcessorCount == 1 ? "" : "s")} " +
                $"({wanted} % of one logical processor); the running VMs reserve {others} %, and the host has {host.Facts.LogicalProcessors} " +
                $"logical processors ({capacity} %)")]);
    }
}
