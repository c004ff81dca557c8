namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>A network namespace of the test's own, deleted (with every device in it) at the end.</summary>
public sealed class NetNamespace : IAsyncDisposable
{
    public string Name { get; } = $"nbsw{Random.Shared.Next(0x100000):x5}";

    /// <summary>The prefix that runs a program inside the namespace.</summary>
    public IReadOnlyList<string> Exec => ["ip", "netns", "exec", Name];

    public static async Task<NetNamespace> MakeAsync()
    {
        var ns = new NetNamespace();
        await HostProgram.OutputAsync("ip", "netns", "add", ns.Name);
        await ns.OkAsync("ip", "link", "set", "dev", "lo", "up");
        return ns;
    }

    /// <summary>
    /// Links this namespace to <paramref name="other"/> with a veth pair, this end at
    /// <paramref name="here"/> and the other at <paramref name="there"/> (addresses with their prefix);
    /// returns the two ends' names.
    /// </summary>
    public async Task<(string Here, string There)> LinkAsync(NetNamespace other, string here, string there)
    {
        var veth = $"nbv{Random.Shared.Next(0x10000):x4}";
        await HostProgram.OutputAsync("ip", "link", "add", $"{veth}a", "netns", Name, "type", "veth", "peer", "name", $"{veth}b", "netns", other.Name);
        await OkAsync("ip", "addr", "add", here, "dev", $"{veth}a");
        await OkAsync("ip", "link", "set", "dev", $"{veth}a", "up");
        await other.OkAsync("ip", "addr", "add", there, "dev", $"{veth}b");
        await other.OkAsync("ip", "link", "set", "dev", $"{veth}b", "up");
        return ($"{veth}a", $"{veth}b");
    }

    public Task<HostProgram.Result> RunAsync(params string[] command) => HostProgram.RunAsync("ip", ["netns", "exec", Name, .. command]);

    public Task<string> OutputAsync(params string[] command) => HostProgram.OutputAsync("ip", ["netns", "exec", Name, .. command]);

    public Task OkAsync(params string[] command) => OutputAsync(command);

    /// <summary>Whether a ping from here reaches the address (<paramref name="count"/> tries, 2 s each).</summary>
    public async Task<bool> ReachesAsync(string address, int count = 2) =>
        (await RunAsync("ping", "-c", $"{count}", "-W", "2", address)).ExitCode == 0;

    public async ValueTask DisposeAsync() => await HostProgram.RunAsync("ip", "netns", "delete", Name);
}
