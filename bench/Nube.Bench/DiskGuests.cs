using System.Text.Json.Nodes;
using Nube.Contracts.Client;
using Nube.Qemu.Protocol;

namespace Nube.Bench;

/// <summary>A figure 3 VM, run through nubed or as plain QEMU: resumed, paused, driven through its serial console.</summary>
public interface IDiskGuest : IAsyncDisposable
{
    string Name { get; }
    Task ResumeAsync(CancellationToken ct);
    Task PauseAsync(CancellationToken ct);
    Task<string> RunAsync(string command, TimeSpan timeout, CancellationToken ct);
}

/// <summary>A VM that nubed runs: its lifecycle through the API, commands through the console WebSocket.</summary>
public sealed class NubedDiskGuest(NubeApiClient client, string vm) : IDiskGuest
{
    public string Name => vm;
    public Task ResumeAsync(CancellationToken ct) => GuestVms.RunAsync(client, vm, "resume", ct);
    public Task PauseAsync(CancellationToken ct) => GuestVms.RunAsync(client, vm, "pause", ct);
    public Task<string> RunAsync(string command, TimeSpan timeout, CancellationToken ct) => GuestConsole.RunAsync(client, vm, command, timeout, ct);
    public async ValueTask DisposeAsync() => await GuestVms.TurnOffAllAsync(client, [vm], CancellationToken.None);
}

/// <summary>A plain QEMU twin: stop and cont over its QMP socket, commands over its serial socket, quit at the end.</summary>
public sealed class PlainDiskGuest : IDiskGuest
{
    private readonly PlainQemu qemu;
    private readonly QmpClient qmp;
    private readonly ConsoleWatch console;
    private readonly string name;

    public string Name => name;

    private PlainDiskGuest(PlainQemu qemu, QmpClient qmp, ConsoleWatch console, string name) =>
        (this.qemu, this.qmp, this.console, this.name) = (qemu, qmp, console, name);

    /// <summary>Boots <paramref name="qemu"/> to its guest agent; returns the guest and the seconds it took.</summary>
    public static async Task<(PlainDiskGuest Guest, double Seconds)> BootAsync(PlainQemu qemu, string name, CancellationToken ct)
    {
        try
        {
            var boot = await qemu.BootAsync(ct);
            var qmp = await QmpClient.ConnectAsync(await UnixSocket.ConnectAsync(qemu.Paths.QmpSocket, ct), null, ct);
            var console = ConsoleWatch.Over(await UnixSocket.ConnectAsync(qemu.Paths.SerialSocket, ct));
            return (new PlainDiskGuest(qemu, qmp, console, name), boot.InfoMs / 1000);
        }
        catch
        {
            await qemu.QuitAsync(CancellationToken.None);
            throw;
        }
    }

    public Task ResumeAsync(CancellationToken ct) => qmp.ExecuteAsync("cont", ct: ct);
    public Task PauseAsync(CancellationToken ct) => qmp.ExecuteAsync("stop", ct: ct);
    public Task<string> RunAsync(string command, TimeSpan timeout, CancellationToken ct) => GuestConsole.RunAsync(console, name, command, timeout, ct);

    public async ValueTask DisposeAsync()
    {
        await console.DisposeAsync();
        await qmp.DisposeAsync();
        await qemu.QuitAsync(CancellationToken.None);
    }
}

/// <summary>
/// Figure 3's edits of a plain QEMU twin's argv: what the product does not offer, measured on
/// the very command line nubed builds, so that only the edit differs.
/// </summary>
public static class DiskArgvEdits
{
    /// <summary>The iothread without adaptive polling (QEMU's default polls up to 32 µs before it sleeps).</summary>
    public static IReadOnlyList<string> NoPolling(IReadOnlyList<string> argv) =>
        Replace(argv, a => a.StartsWith("iothread,id=", StringComparison.Ordinal) ? a + ",poll-max-ns=0" : a, "an iothread object");

    /// <summary>
    /// The SCSI controller's virtqueues 1024 deep instead of 256: the guest's segment limit follows
    /// (queue size - 2), so that a 1 MiB request is one request instead of two.
    /// </summary>
    public static IReadOnlyList<string> DeepQueue(IReadOnlyList<string> argv) =>
        Replace(argv, a => Device(a, "virtio-scsi-pci") is { } d ? With(d, "virtqueue_size", 1024) : a, "a virtio-scsi-pci device");

    /// <summary>
    /// virtio-blk in place of virtio-scsi: the controller's device dropped, each scsi-hd on it
    /// replaced by a virtio-blk-pci device on the same block node and iothread, with the same
    /// error policy and queues.
    /// </summary>
    public static IReadOnlyList<string> VirtioBlk(IReadOnlyList<string> argv)
    {
        var controller = argv.Select(a => Device(a, "virtio-scsi-pci")).SingleOrDefault(d => d is not null)
            ?? throw new InvalidOperationException("The argv has no virtio-scsi-pci device to replace.");
        var result = new List<string>();
        for (var i = 0; i < argv.Count; i++)
        {
            if (argv[i] == "-device" && i + 1 < argv.Count && Device(argv[i + 1], "virtio-scsi-pci") is not null)
            {
                i++;
                continue;
            }
            if (Device(argv[i], "scsi-hd") is { } disk)
            {
                var blk = new JsonObject
                {
                    ["driver"] = "virtio-blk-pci",
                    ["drive"] = disk["drive"]!.GetValue<string>(),
                    ["id"] = disk["id"]!.GetValue<string>(),
                };
                foreach (var (from, key) in new[] { (controller, "iothread"), (disk, "werror"), (disk, "rerror"), (disk, "bootindex") })
                    if (from[key] is { } value)
                        blk[key] = value.DeepClone();
                if (controller["num_queues"] is { } queues)
                    blk["num-queues"] = queues.DeepClone();
                result.Add(blk.ToJsonString());
                continue;
            }
            result.Add(argv[i]);
        }
        return result;
    }

    private static JsonObject? Device(string arg, string driver) =>
        arg.StartsWith('{') && JsonNode.Parse(arg) is JsonObject o && o["driver"]?.GetValue<string>() == driver ? o : null;

    private static string With(JsonObject device, string key, int value)
    {
        device[key] = value;
        return device.ToJsonString();
    }

    private static IReadOnlyList<string> Replace(IReadOnlyList<string> argv, Func<string, string> edit, string what)
    {
        var result = argv.Select(edit).ToList();
        return result.SequenceEqual(argv) ? throw new InvalidOperationException($"The argv has no {what} to edit.") : result;
    }
}
