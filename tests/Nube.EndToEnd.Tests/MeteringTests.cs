using System.Diagnostics;
using System.Text.Json;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// Resource metering against the guest's own figures: fio's bytes on a SCSI disk and iperf3's
/// bytes over a TAP, in a network namespace the test makes (nubed runs in it, so that its QEMU
/// finds the TAP, and iperf3's server listens there, never on the host's addresses).
/// </summary>
[Collection(Alone.Name)]
public sealed class MeteringTests(ITestOutputHelper output)
{
    private const string HostAddress = "10.232.0.1";
    private const string GuestAddress = "10.232.0.2";

    [Fact]
    public async Task Vm_measure_matches_fio_and_iperf3_within_5_percent_and_metrics_has_the_counters()
    {
        var ns = $"nbm{Random.Shared.Next(0x100000):x5}";
        const string tap = "nbmtap0";
        await HostProgram.OutputAsync("ip", "netns", "add", ns);
        try
        {
            await HostProgram.OutputAsync("ip", "-n", ns, "link", "set", "lo", "up");
            await HostProgram.OutputAsync("ip", "netns", "exec", ns, "ip", "tuntap", "add", "dev", tap, "mode", "tap");
            await HostProgram.OutputAsync("ip", "-n", ns, "addr", "add", $"{HostAddress}/24", "dev", tap);
            await HostProgram.OutputAsync("ip", "-n", ns, "link", "set", tap, "up");
            await using var host = await NubedHost.StartWrappedAsync(output, _ => ["ip", "netns", "exec", ns]);
            var disk = Path.Combine(host.Root, "metered.raw");
            await using (var f = File.Create(disk))
                f.SetLength(256L << 20);
            await host.Client.CreateVmAsync(NubedHost.GuestSettings("metered") with
            {
                ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = disk, Format = "raw" }] }],
                NetworkAdapters =
                [
                    new NetworkAdapterSettings { Kind = "synthetic", MacAddress = "52:54:00:12:36:01", Switch = $"tap:{tap}" },
                    new NetworkAdapterSettings { Kind = "synthetic", MacAddress = "52:54:00:12:36:02", Switch = "user" },
                ],
            });
            await host.Client.RunJobAsync("metered", "start", agentWaitSeconds: 90);
            var id = (await host.Client.GetVmAsync("metered", 0)).Summary.Id;
            await GuestShell.RunAsync(host, id,
                "for n in /sys/class/net/eth*; do ip link set $(basename $n) up; " +
                $"if [ $(cat $n/address) = 52:54:00:12:36:01 ]; then ip addr add {GuestAddress}/24 dev $(basename $n); fi; done");

            // Disk: fio writes then reads 64 MiB directly (no page cache) on the SCSI disk.
            var before = await host.Client.MeasureVmAsync("metered");
            var written = FioBytes(await GuestShell.RunAsync(host, id,
                "fio --name=w --filename=/dev/$(ls /sys/block | grep '^sd') --rw=write --bs=1M --size=64M --direct=1 --output-format=json",
                TimeSpan.FromSeconds(120)), "write");
            var read = FioBytes(await GuestShell.RunAsync(host, id,
                "fio --name=r --filename=/dev/$(ls /sys/block | grep '^sd') --rw=read --bs=1M --size=64M --direct=1 --output-format=json",
                TimeSpan.FromSeconds(120)), "read");
            var afterDisk = await host.Client.MeasureVmAsync("metered");
            output.WriteLine($"fio wrote {written} and read {read}; metered {afterDisk.DiskWrittenBytes - before.DiskWrittenBytes} and {afterDisk.DiskReadBytes - before.DiskReadBytes}");
            Within5Percent(written, afterDisk.DiskWrittenBytes!.Value - before.DiskWrittenBytes!.Value, "disk bytes written");
            Within5Percent(read, afterDisk.DiskReadBytes!.Value - before.DiskReadBytes!.Value, "disk bytes read");
            var scsi = Assert.Single(afterDisk.Disks);
            Assert.Equal("SCSI 0:0", scsi.Location);
            Assert.Equal(disk, scsi.Path);

            // Network: the guest sends 24 MiB, then receives 24 MiB (-R), as iperf3 counts them.
            var sent = await IperfAsync(host, id, ns, reverse: false);
            var afterSend = await host.Client.MeasureVmAsync("metered");
            var received = await IperfAsync(host, id, ns, reverse: true);
            var afterReceive = await host.Client.MeasureVmAsync("metered");
            var tapBefore = before.NetworkAdapters[0];
            output.WriteLine($"iperf3: guest sent {sent}, received {received}; metered sent {afterSend.NetworkAdapters[0].SentBytes - tapBefore.SentBytes}, " +
                $"received {afterReceive.NetworkAdapters[0].ReceivedBytes - afterSend.NetworkAdapters[0].ReceivedBytes}");
            Assert.Equal("host", tapBefore.Source);
            Within5Percent(sent, afterSend.NetworkAdapters[0].SentBytes!.Value - tapBefore.SentBytes!.Value, "network bytes sent");
            Within5Percent(received, afterReceive.NetworkAdapters[0].ReceivedBytes!.Value - afterSend.NetworkAdapters[0].ReceivedBytes!.Value,
                "network bytes received");
            // User-mode networking has no host-side counter: the guest's word, said to be so.
            Assert.Equal("guest", afterReceive.NetworkAdapters[1].Source);
            Assert.NotNull(afterReceive.NetworkAdapters[1].SentBytes);

            Assert.True(afterReceive.ProcessorSeconds > before.ProcessorSeconds);
            Assert.InRange(afterReceive.MemoryUsedBytes!.Value, 64L << 20, afterReceive.MemoryPeakBytes!.Value);

            // The CLI's table and vm show's rows; Prometheus's text, once a sampling has passed.
            var table = NubeCli.Flat((await NubeCli.OkAsync(host, "vm", "measure", "metered")).Stdout);
            Assert.Contains("counted by the host on tap:nbmtap0", table);
            Assert.Contains("SCSI 0:0", table);
            Assert.Contains("Processor time", NubeCli.Flat((await NubeCli.OkAsync(host, "vm", "show", "metered")).Stdout));
            await Task.Delay(TimeSpan.FromSeconds(6));
            using var http = host.RawHttp();
            var metrics = await http.GetStringAsync("http://nubed/metrics");
            var line = metrics.Split('\n').Single(l => l.StartsWith("nube_vm_disk_written_bytes_total{", StringComparison.Ordinal));
            Assert.Contains($"vm_id=\"{id}\"", line);
            Assert.True(double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= written);
            Assert.Contains("nube_vms{state=\"running\"} 1", metrics);

            // Off, there is nothing to measure, and the figures say so rather than read 0.
            await host.Client.RunJobAsync("metered", "turn-off");
            var off = await host.Client.MeasureVmAsync("metered");
            Assert.Null(off.ProcessorSeconds);
            Assert.Null(off.DiskWrittenBytes);
            Assert.Contains("nothing to measure", NubeCli.Flat((await NubeCli.OkAsync(host, "vm", "measure", "metered")).Stdout));
            Assert.DoesNotContain($"vm_id=\"{id}\"", await http.GetStringAsync("http://nubed/metrics"));
        }
        finally
        {
            // Deleting the namespace deletes its TAP too.
            await HostProgram.OutputAsync("ip", "netns", "delete", ns);
        }
    }

    /// <summary>iperf3's server once in the namespace, its client in the guest; the bytes the guest's iperf3 says it sent (or received, with -R).</summary>
    private async Task<long> IperfAsync(NubedHost host, Guid id, string ns, bool reverse)
    {
        using var server = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", ns, "iperf3", "-s", "-1", "-B", HostAddress])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            // The server may take a moment to listen: the client tries again for a while.
            var text = await GuestShell.RunAsync(host, id,
                $"for i in 1 2 3 4 5 6 7 8 9 10; do iperf3 -c {HostAddress} -n 24M -J{(reverse ? " -R" : "")} > /tmp/iperf.json && break; sleep 1; done; " +
                "cat /tmp/iperf.json", TimeSpan.FromSeconds(120));
            using var doc = JsonDocument.Parse(text[text.IndexOf('{')..(text.LastIndexOf('}') + 1)]);
            var end = doc.RootElement.GetProperty("end");
            return end.GetProperty(reverse ? "sum_received" : "sum_sent").GetProperty("bytes").GetInt64();
        }
        finally
        {
            if (!server.WaitForExit(10_000))
                server.Kill(entireProcessTree: true);
        }
    }

    private static long FioBytes(string text, string direction)
    {
        using var doc = JsonDocument.Parse(text[text.IndexOf('{')..(text.LastIndexOf('}') + 1)]);
        return doc.RootElement.GetProperty("jobs")[0].GetProperty(direction).GetProperty("io_bytes").GetInt64();
    }

    private static void Within5Percent(long guest, long metered, string what) =>
        Assert.True(guest > 0 && Math.Abs(metered - guest) <= guest * 0.05,
            $"{what}: metered {metered}, the guest counted {guest} ({(metered - guest) * 100.0 / Math.Max(1, guest):0.0} % apart)");
}
