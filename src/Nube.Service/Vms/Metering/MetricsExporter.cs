using Nube.Core.Lifecycle;
using Prometheus;

namespace Nube.Service.Vms.Metering;

/// <summary>
/// The metering figures in Prometheus's text format (prometheus-net, in a registry of its own):
/// per running VM its processor time, memory, disk and network counters as of the last sampling,
/// and the number of VMs in each state. A VM's series are dropped when it stops or its QEMU is
/// another one, so that a counter that begins again reads to Prometheus as the reset it is.
/// </summary>
public sealed class MetricsExporter
{
    private static readonly string[] Vm = ["vm_id", "vm"];
    private readonly CollectorRegistry registry = Metrics.NewCustomRegistry();
    private readonly Lock gate = new(); // guards exported
    private readonly Dictionary<Guid, (int Pid, string Name)> exported = [];
    private readonly Counter cpu, diskRead, diskWritten, diskReads, diskWrites, netReceived, netSent;
    private readonly Gauge memoryUsed, memoryAssigned, processors, states;

    public MetricsExporter(MeteringService metering, VmRegistry vms)
    {
        var f = Metrics.WithCustomRegistry(registry);
        Counter C(string name, string help, params string[] more) => f.CreateCounter(name, help, [.. Vm, .. more]);
        Gauge G(string name, string help, params string[] labels) => f.CreateGauge(name, help, labels);
        cpu = C("nube_vm_cpu_seconds_total", "Processor time the VM's QEMU used since it started, all threads");
        memoryUsed = G("nube_vm_memory_used_bytes", "Host memory the VM's QEMU holds (resident)", Vm);
        memoryAssigned = G("nube_vm_memory_assigned_bytes", "Memory the VM's settings give its guest", Vm);
        processors = G("nube_vm_processors", "Virtual processors of the VM", Vm);
        diskRead = C("nube_vm_disk_read_bytes_total", "Bytes the guest read from the disk", "disk");
        diskWritten = C("nube_vm_disk_written_bytes_total", "Bytes the guest wrote to the disk", "disk");
        diskReads = C("nube_vm_disk_reads_total", "Read requests the guest made of the disk", "disk");
        diskWrites = C("nube_vm_disk_writes_total", "Write requests the guest made of the disk", "disk");
        netReceived = C("nube_vm_network_received_bytes_total", "Bytes the guest received on the adapter", "adapter", "source");
        netSent = C("nube_vm_network_sent_bytes_total", "Bytes the guest sent on the adapter", "adapter", "source");
        states = G("nube_vms", "VMs on this host in each state", "state");
        registry.AddBeforeCollectCallback(() => Update(metering, vms));
    }

    public Task WriteAsync(Stream output, CancellationToken ct) => registry.CollectAndExportAsTextAsync(output, ct);

    private void Update(MeteringService metering, VmRegistry vms)
    {
        lock (gate)
        {
            foreach (var word in Enum.GetValues<Nube.Core.Vms.VmState>().Select(VmLifecycle.Word).Append(VmSnapshot.Broken))
                states.WithLabels(word).Set(0);
            foreach (var state in vms.All.GroupBy(v => v.Snapshot.StateWord))
                states.WithLabels(state.Key).Set(state.Count());
            var latest = metering.Latest.ToList();
            foreach (var (id, was) in exported.ToList())
            {
                if (!latest.Any(l => l.Vm.Id == id && l.Reading.ProcessId == was.Pid && l.Vm.Snapshot.Name == was.Name))
                {
                    Drop(id);
                    exported.Remove(id);
                }
            }
            foreach (var (vm, r) in latest)
            {
                string[] who = [vm.Id.ToString(), vm.Snapshot.Name];
                exported[vm.Id] = (r.ProcessId, vm.Snapshot.Name);
                cpu.WithLabels(who).IncTo(r.Process.ProcessorTime.TotalSeconds);
                memoryUsed.WithLabels(who).Set(r.Process.ResidentBytes);
                memoryAssigned.WithLabels(who).Set((vm.Snapshot.Config?.MemoryStartupMiB ?? 0) * 1024.0 * 1024);
                processors.WithLabels(who).Set(vm.Snapshot.Config?.ProcessorCount ?? 0);
                foreach (var d in r.Disks)
                {
                    diskRead.WithLabels([.. who, d.Location]).IncTo(d.ReadBytes);
                    diskWritten.WithLabels([.. who, d.Location]).IncTo(d.WrittenBytes);
                    diskReads.WithLabels([.. who, d.Location]).IncTo(d.Reads);
                    diskWrites.WithLabels([.. who, d.Location]).IncTo(d.Writes);
                }
                foreach (var a in r.Adapters.Where(a => a.ReceivedBytes is not null))
                {
                    string[] labels = [.. who, MeteringService.AdapterName(a.Id), a.Source];
                    netReceived.WithLabels(labels).IncTo(a.ReceivedBytes!.Value);
                    netSent.WithLabels(labels).IncTo(a.SentBytes ?? 0);
                }
            }
        }
    }

    /// <summary>Removes every series of the VM, whatever its other labels.</summary>
    private void Drop(Guid id)
    {
        var key = id.ToString();
        foreach (var counter in new[] { cpu, diskRead, diskWritten, diskReads, diskWrites, netReceived, netSent })
            DropFrom(counter, key);
        foreach (var gauge in new[] { memoryUsed, memoryAssigned, processors })
            DropFrom(gauge, key);
    }

    private static void DropFrom<TChild>(Collector<TChild> collector, string vmId) where TChild : ChildBase
    {
        foreach (var labels in collector.GetAllLabelValues().Where(l => l[0] == vmId).ToList())
            collector.RemoveLabelled(labels);
    }
}
