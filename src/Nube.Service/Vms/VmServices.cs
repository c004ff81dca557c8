using Nube.Service.Hosts;
using Nube.Service.Events;
using Nube.Service.Server;
using Nube.Service.Jobs;
using Nube.Service.Persistence;
using Nube.Service.Vms.Disks;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>What every VM controller works with; the seams (QEMU, store, clock) are injected here.</summary>
public sealed record VmServices(
    HostRuntime Host,
    NubedOptions Options,
    IQemuHost Qemu,
    IDiskChains Disks,
    DiskSharing Sharing,
    IVmStore Store,
    TimeProvider Clock,
    EventHub Events,
    JobBook Jobs,
    RunAdmission Admission,
    Switches.SwitchBook Switches,
    ILoggerFactory Logs);
