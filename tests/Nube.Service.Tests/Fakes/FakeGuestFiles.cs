using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// The guest behind a fake agent: a file system of whole files, the guest-file-* and guest-exec
/// commands over it, and the few facts intrinsic items come from. Programs run by guest-exec are
/// known by their script's name ($0), and act as the guest's shell scripts would.
/// </summary>
internal sealed class FakeGuestFiles
{
    private readonly Lock sync = new();
    private readonly Dictionary<long, (string Path, MemoryStream Content)> handles = [];
    private readonly Dictionary<long, (int Code, byte[] Output)> programs = [];
    private long nextHandle = 1000;
    private long nextPid = 500;

    public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, bool> Folders { get; } = new(StringComparer.Ordinal) { ["/"] = true, ["/root"] = true };
    /// <summary>Entries that are neither files nor folders (a FIFO): the listing says so.</summary>
    public ConcurrentDictionary<string, bool> Specials { get; } = new(StringComparer.Ordinal);

    /// <summary>Each guest-file-write waits here first, so that a test can hold a copy half-way.</summary>
    public SemaphoreSlim? WriteGate { get; set; }

    /// <summary>True: the guest's disk flips a bit of what it is given (the checksum must catch it).</summary>
    public bool CorruptsWrites { get; set; }

    public int Writes;

    public string Text(string path) => Encoding.UTF8.GetString(Files[path]);

    /// <summary>The reply to <paramref name="command"/>, or null when the guest does not know it.</summary>
    public async Task<JsonObject?> AnswerAsync(string command, JsonElement args)
    {
        switch (command)
        {
            case "guest-file-open":
                return Open(args.GetProperty("path").GetString()!, args.GetProperty("mode").GetString()!);
            case "guest-file-write":
                if (WriteGate is { } gate)
                    await gate.WaitAsync();
                Interlocked.Increment(ref Writes);
                var bytes = Convert.FromBase64String(args.GetProperty("buf-b64").GetString()!);
                if (CorruptsWrites && bytes.Length > 0)
                    bytes[0] ^= 1;
                lock (sync)
                    handles[args.GetProperty("handle").GetInt64()].Content.Write(bytes);
                return Return(new JsonObject { ["count"] = bytes.Length, ["eof"] = false });
            case "guest-file-read":
                lock (sync)
                {
                    var content = handles[args.GetProperty("handle").GetInt64()].Content;
                    var chunk = new byte[Math.Min(args.GetProperty("count").GetInt32(), content.Length - content.Position)];
                    content.ReadExactly(chunk);
                    return Return(new JsonObject { ["count"] = chunk.Length, ["buf-b64"] = Convert.ToBase64String(chunk), ["eof"] = content.Position == content.Length });
                }
            case "guest-file-close":
                lock (sync)
                {
                    var (path, content) = handles[args.GetProperty("handle").GetInt64()];
                    handles.Remove(args.GetProperty("handle").GetInt64());
                    Files[path] = content.ToArray();
                }
                return Return(new JsonObject());
            case "guest-exec":
                var argv = args.GetProperty("arg").EnumerateArray().Select(a => a.GetString()!).ToList();
                var result = Run(argv[2], argv[3..]);
                lock (sync)
                {
                    programs[++nextPid] = result;
                    return Return(new JsonObject { ["pid"] = nextPid });
                }
            case "guest-exec-status":
                lock (sync)
                {
                    var (code, output) = programs[args.GetProperty("pid").GetInt64()];
                    return Return(new JsonObject { ["exited"] = true, ["exitcode"] = code, ["out-data"] = Convert.ToBase64String(output) });
                }
            case "guest-get-osinfo":
                return Return(new JsonObject { ["name"] = "Nube test guest", ["version-id"] = "1", ["kernel-release"] = "6.1.0-test", ["machine"] = "x86_64" });
            case "guest-get-host-name":
                return Return(new JsonObject { ["host-name"] = "fake-guest" });
            case "guest-network-get-interfaces":
                return Return(new JsonArray
                {
                    new JsonObject { ["name"] = "lo", ["ip-addresses"] = new JsonArray { Address("ipv4", "127.0.0.1", 8) } },
                    new JsonObject { ["name"] = "eth0", ["ip-addresses"] = new JsonArray { Address("ipv4", "192.0.2.10", 24), Address("ipv6", "fe80::1", 64) } },
                });
            default:
                return null;
        }
    }

    private JsonObject Open(string path, string mode)
    {
        if (mode == "r" && !Files.ContainsKey(path))
            return Error($"failed to open file '{path}' (mode: 'r'): No such file or directory");
        if (mode == "w" && !Folders.ContainsKey(Parent(path)))
            return Error($"failed to open file '{path}' (mode: 'w'): No such file or directory");
        lock (sync)
        {
            handles[++nextHandle] = (path, mode == "r" ? new MemoryStream(Files[path]) : new MemoryStream());
            return Return(nextHandle);
        }
    }

    /// <summary>What each of Nube's guest scripts does, by its name.</summary>
    private (int Code, byte[] Output) Run(string name, List<string> a)
    {
        switch (name)
        {
            case "nube-kvp-reset":
                foreach (var path in Files.Keys.Where(p => Parent(p) == a[0]))
                    Files.TryRemove(path, out _);
                Folders[a[0]] = true;
                Folders[a[1]] = true;
                return (0, []);
            case "nube-kvp-list":
                var listing = new List<byte>();
                foreach (var path in Files.Keys.Concat(Specials.Keys).Where(p => Parent(p) == a[0]).Order(StringComparer.Ordinal))
                    listing.AddRange([(byte)(Specials.ContainsKey(path) ? 'o' : 'f'), .. Encoding.UTF8.GetBytes(path[(a[0].Length + 1)..]), 0]);
                return (0, [.. listing.Take(int.Parse(a[1]))]);
            case "nube-kvp-remove" or "nube-copy-clean":
                Files.TryRemove(a[0], out _);
                return (0, []);
            case "nube-copy-prepare":
                var folder = Parent(a[0]);
                if (!Folders.ContainsKey(folder))
                {
                    if (a[1] != "1")
                        return (10, []);
                    Folders[folder] = true;
                }
                return Files.ContainsKey(a[0]) && a[2] != "1" ? (14, []) : (0, []);
            case "nube-copy-finish":
                var sum = Convert.ToHexStringLower(SHA256.HashData(Files[a[0]]));
                if (sum != a[2])
                {
                    Files.TryRemove(a[0], out _);
                    return (21, Encoding.ASCII.GetBytes(sum));
                }
                if (Files.ContainsKey(a[1]) && a[3] != "1")
                    return (14, []);
                Files.TryRemove(a[0], out var copied);
                Files[a[1]] = copied!;
                return (0, []);
            default:
                return (127, []);
        }
    }

    private static string Parent(string path) => path[..Math.Max(path.LastIndexOf('/'), 1)];

    private static JsonObject Address(string type, string address, int prefix) =>
        new() { ["ip-address-type"] = type, ["ip-address"] = address, ["prefix"] = prefix };

    private static JsonObject Return(JsonNode value) => new() { ["return"] = value };

    private static JsonObject Error(string desc) => new() { ["error"] = new JsonObject { ["class"] = "GenericError", ["desc"] = desc } };
}
