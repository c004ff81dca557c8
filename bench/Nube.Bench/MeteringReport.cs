using System.Globalization;
using System.Text;

namespace Nube.Bench;

/// <summary>Figure 7 as markdown: one reading's cost, and the sampler's per VM.</summary>
public static class MeteringReport
{
    public static void Render(MeteringResult r, StringBuilder md)
    {
        var idleRate = r.IdleNubedCpu / r.IdleSeconds;
        var perReading = (r.BurstNubedCpu - idleRate * r.BurstSeconds) / r.Readings;
        var wall = r.BurstSeconds / r.Readings;
        var samplerPerVm = perReading / r.SampleIntervalSeconds * 100;
        // The guests' side: QEMU answering QMP, and the guest agent (under TCG) reading its interfaces.
        var qemuPerReading = (r.BurstQemuCpu - r.IdleQemuCpu / r.IdleSeconds * r.BurstSeconds) / r.Readings;
        string F(double v, string format = "0.00") => v.ToString(format, CultureInfo.InvariantCulture);
        md.Append(CultureInfo.InvariantCulture, $"""

            ## Figure 7: what resource metering costs

            {r.Vms} idle VMs of the test guest, each with a SCSI disk and a user-mode adapter (so that a reading asks QEMU for
            `query-blockstats` and the guest agent for its interface counters, besides reading `/proc`). nubed's processor time
            (utime + stime from `/proc`) over an idle window, where its sampler reads every VM every {r.SampleIntervalSeconds} s beside
            the heartbeat, then over {r.Readings} readings asked one after another (`GET /api/v1/vms/{"{vm}"}/measure`, the VMs taking turns).

            | Window | seconds | nubed CPU (s) | nubed CPU (% of a processor) | the VMs' QEMUs CPU (s) |
            |---|---:|---:|---:|---:|
            | idle (sampler and heartbeat only) | {F(r.IdleSeconds, "0.0")} | {F(r.IdleNubedCpu, "0.000")} | {F(idleRate * 100)} | {F(r.IdleQemuCpu)} |
            | {r.Readings} readings in a row | {F(r.BurstSeconds, "0.0")} | {F(r.BurstNubedCpu, "0.000")} | {F(r.BurstNubedCpu / r.BurstSeconds * 100)} | {F(r.BurstQemuCpu)} |

            **One reading of one VM costs nubed {F(perReading * 1000)} ms of processor time** (the burst's excess over the idle rate,
            per reading) and takes {F(wall * 1000, "0.0")} ms end to end through the API. The sampler's cost per running VM, one reading
            every {r.SampleIntervalSeconds} s: **{F(samplerPerVm, "0.000")} % of one processor per VM** (100 running VMs:
            {F(samplerPerVm * 100, "0.0")} % of one processor). On the guests' side (QEMU's answer to `query-blockstats` and,
            for the user-mode adapter, the guest agent's, emulated under TCG) a reading costs {F(qemuPerReading * 1000)} ms more
            of the VM's QEMU: {F(qemuPerReading / r.SampleIntervalSeconds * 100, "0.000")} % of one processor per VM at one reading
            every {r.SampleIntervalSeconds} s (a VM on a TAP, or without adapters, is read without its agent).

            """);
    }
}
