using System.Globalization;
using Nube.Contracts.Vms;
using Spectre.Console.Rendering;

namespace Nube.Cli.Output;

/// <summary>Metering figures as people read them: <c>vm measure</c>'s table, and its summary rows in <c>vm show</c>.</summary>
public static class MeterTables
{
    public static IRenderable Measurement(VmMeasurement m)
    {
        var rows = new List<(string, string?)>
        {
            ("Name", m.Name),
            ("State", m.State),
            ("Counted since", m.Since is { } since ? JobText.When(since) : null),
        };
        if (m.ProcessorSeconds is null)
        {
            rows.Add(("Metering", "nothing to measure: the VM does not run (its counters begin at each start)"));
            return Printer.KeyValues([.. rows]);
        }
        rows.AddRange(Summary(m));
        foreach (var d in m.Disks)
            rows.Add((d.Location, $"read {Bytes(d.ReadBytes)} ({d.Reads} requests), wrote {Bytes(d.WrittenBytes)} ({d.Writes} requests)  {d.Path}"));
        foreach (var a in m.NetworkAdapters)
            rows.Add((a.Name, Adapter(a)));
        return Printer.KeyValues([.. rows]);
    }

    /// <summary>Processor, memory, disk and network in four lines.</summary>
    public static IEnumerable<(string, string?)> Summary(VmMeasurement m)
    {
        var now = m.ProcessorPercent is { } p ? $", {p:0.0} % of its {m.ProcessorCount} processor(s) now" : "";
        yield return ("Processor time", $"{m.ProcessorSeconds:0.00} s{now}");
        yield return ("Memory in use", $"{Bytes(m.MemoryUsedBytes)} on the host (peak {Bytes(m.MemoryPeakBytes)}; {Bytes(m.MemoryAssignedBytes)} assigned)");
        yield return ("Disk I/O", $"read {Bytes(m.DiskReadBytes)} ({m.DiskReads} requests), wrote {Bytes(m.DiskWrittenBytes)} ({m.DiskWrites} requests)");
        yield return ("Network", m.NetworkReceivedBytes is null ? "not counted (no adapter on a TAP, or the guest did not say)"
            : $"received {Bytes(m.NetworkReceivedBytes)}, sent {Bytes(m.NetworkSentBytes)}");
    }

    private static string Adapter(AdapterMeasurement a) => a.Source switch
    {
        "host" => $"received {Bytes(a.ReceivedBytes)}, sent {Bytes(a.SentBytes)} (counted by the host on {a.Switch})",
        "guest" => $"received {Bytes(a.ReceivedBytes)}, sent {Bytes(a.SentBytes)} (as the guest reports it, on {a.Switch})",
        _ => a.Switch is null ? "not connected" : $"not counted: the guest agent did not report it (on {a.Switch})",
    };

    /// <summary>"0 B", "812 B", "3.4 KiB", "1.25 GiB".</summary>
    public static string Bytes(long? value)
    {
        if (value is not { } b)
            return "-";
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var v = (double)b;
        var u = 0;
        while (v >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }
        return u == 0 ? $"{b} B" : string.Create(CultureInfo.InvariantCulture, $"{v:0.##} {units[u]}");
    }
}
