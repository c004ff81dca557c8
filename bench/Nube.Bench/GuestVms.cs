using System.Diagnostics;
using Nube.Contracts.Client;

namespace Nube.Bench;

/// <summary>Lifecycle steps through nubed's API, each bounded in time, as the figures 3 to 5 use them.</summary>
public static class GuestVms
{
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromMinutes(3);
    private const int AgentWaitSeconds = 120;

    /// <summary>Starts the VM and waits for its guest agent; returns the seconds it took.</summary>
    public static async Task<double> StartAsync(NubeApiClient client, string vm, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        await RunAsync(client, vm, "start", ct, AgentWaitSeconds);
        var details = await client.GetVmAsync(vm, AgentWaitSeconds, ct);
        if (details.GuestAgent is not { Responding: true })
            throw new InvalidOperationException($"The guest agent of '{vm}' did not answer within {AgentWaitSeconds} s: {details.GuestAgent?.Error}");
        return sw.Elapsed.TotalSeconds;
    }

    public static async Task RunAsync(NubeApiClient client, string vm, string operation, CancellationToken ct, int? agentWait = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(OperationTimeout);
        try
        {
            await client.RunJobAsync(vm, operation, agentWait, limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"'{operation}' of '{vm}' did not end within {OperationTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Turns every VM off (pulls the power), ignoring those already off; used at the end of a figure.</summary>
    public static async Task TurnOffAllAsync(NubeApiClient client, IEnumerable<string> vms, CancellationToken ct)
    {
        foreach (var vm in vms)
        {
            try
            {
                var state = (await client.GetVmAsync(vm, 0, ct)).Summary.State;
                if (state is "running" or "paused")
                    await RunAsync(client, vm, "turn-off", ct);
            }
            catch (NubeApiException e) when (e.Status == 404)
            {
                // never created: the figure failed before it
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"bench: turning '{vm}' off: {e.Message}");
            }
        }
    }

    /// <summary>A raw disk image of <paramref name="mib"/> MiB, every block written (zeros) and synced, so that reads find data, not holes.</summary>
    public static void CreateRawDisk(string path, int mib)
    {
        var block = new byte[1 << 20];
        using (var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            for (var i = 0; i < mib; i++)
                f.Write(block);
            f.Flush(flushToDisk: true);
        }
        // nubed opens it and passes QEMU the descriptor; readable by every user, as the guest's files are.
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("644", 8));
    }
}
