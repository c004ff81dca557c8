using Nube.Core.Hosts;

namespace Nube.Core.Vms;

/// <summary>
/// What a VM's QEMU may use on the host, as its cgroup enforces it. The memory limit is the VM's
/// memory plus QEMU's own overhead: 256 MiB, plus 1/16 of the VM's memory (page tables, device
/// state, I/O buffers), plus 1 GiB under TCG, whose translation cache QEMU lets grow to 1 GiB.
/// A QEMU past it is killed by its cgroup's OOM killer, not by the host's, and no other VM is
/// touched. The process limit stops a runaway QEMU from exhausting the host's pids; QEMU starts
/// threads (vCPUs, iothreads, a pool of up to 64 workers per context) but never processes.
/// </summary>
/// <param name="CpuWeight">The VM's relative weight, 1 to 10000 (cgroup v2's cpu.weight range, as Hyper-V's).</param>
/// <param name="CpuQuotaPercent">The most CPU time the VM may take, in percent of one host processor (limit × vCPUs); null for no limit.</param>
public sealed record ResourceLimits(long MemoryBytes, int Pids, int CpuWeight = 100, int? CpuQuotaPercent = null)
{
    public const long BaseOverheadBytes = 256L << 20;
    public const long TcgCacheBytes = 1L << 30;
    public const int PidsPerVm = 512;

    public static ResourceLimits For(VmConfig vm, Accelerator accelerator)
    {
        var memory = (long)vm.MemoryStartupMiB << 20;
        var overhead = BaseOverheadBytes + memory / 16 + (accelerator == Accelerator.Tcg ? TcgCacheBytes : 0);
        return new ResourceLimits(memory + overhead, PidsPerVm, vm.CpuWeight,
            vm.CpuLimit >= 100 ? null : vm.CpuLimit * vm.ProcessorCount);
    }
}
