using System.Diagnostics;
using System.Text;
using Nube.Contracts.Client;
using Nube.Contracts.Vms;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real <c>nubed</c> on its own temporary data and runtime folders. Disposing it ends the
/// service and every QEMU it started, and removes the folders; on a failed test the service's
/// log and each VM's console are written to the test output first.
/// </summary>
public sealed class NubedHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper output;
    private readonly StringBuilder log = new();
    private readonly string[] extraArgs;
    private Func<string, IReadOnlyList<string>>? wrap;
    private Process? process;

    public string Root { get; }
    public string DataDir => Path.Combine(Root, "data");
    public string RunDir => Path.Combine(Root, "run");

    /// <summary>The API's TLS address (https://HOST:PORT/) when the host was started with --listen.</summary>
    public string? Listen => Array.IndexOf(extraArgs, "--listen") is var i and >= 0 && i + 1 < extraArgs.Length ? extraArgs[i + 1].TrimEnd('/') + "/" : null;
    public string Socket => Path.Combine(RunDir, "nubed.sock");
    public NubeApiClient Client { get; private set; } = null!;
    public Process Process => process ?? throw new InvalidOperationException("nubed is not running");

    private NubedHost(ITestOutputHelper output, string[] extraArgs)
    {
        this.output = output;
        this.extraArgs = extraArgs;
        // Short root: UNIX socket paths are limited to 108 bytes.
        Root = System.IO.Directory.CreateTempSubdirectory("nube-it-").FullName;
        // QEMU drops to its own user and must reach the VM folders below, as under /var/lib/nube.
        File.SetUnixFileMode(Root, (UnixFileMode)Convert.ToInt32("755", 8));
        // VMs may use the test guest's files and the disks a test makes under its own root.
        System.IO.Directory.CreateDirectory(DataDir);
        File.WriteAllText(Path.Combine(DataDir, "host.json"),
            $$"""{"schemaVersion": 1, "storageRoots": ["{{TestGuest.Directory}}", "{{Root}}"]}""");
    }

    /// <summary>
    /// Each host's own range of VM uids, so that hosts of tests that run at once never hand two
    /// VMs the same uid: 1000 uids from a random multiple of 1000 above the default range's start.
    /// </summary>
    public uint VmUidBase { get; } = 0x70000000u + 1000u * (uint)Random.Shared.Next(1, 100_000);

    public static Task<NubedHost> StartAsync(ITestOutputHelper output, params string[] extraArgs) =>
        LaunchAsync(new NubedHost(output, extraArgs));

    /// <summary>
    /// Starts nubed inside the command line <paramref name="wrap"/> gives for the host's root folder
    /// (e.g. <see cref="HostNamespace.Wrap"/>), which must exec nubed's so that it keeps the pid.
    /// </summary>
    public static Task<NubedHost> StartWrappedAsync(ITestOutputHelper output, Func<string, IReadOnlyList<string>> wrap, params string[] extraArgs) =>
        LaunchAsync(new NubedHost(output, extraArgs) { wrap = wrap });

    /// <summary>
    /// As <see cref="StartWrappedAsync"/>, on a new host: no settings file (the other hosts get one
    /// with the test guest's storage root), so that nubed does what it does on its first start.
    /// </summary>
    public static Task<NubedHost> StartNewAsync(ITestOutputHelper output, Func<string, IReadOnlyList<string>> wrap)
    {
        var host = new NubedHost(output, []) { wrap = wrap };
        File.Delete(Path.Combine(host.DataDir, "host.json"));
        return LaunchAsync(host);
    }

    private static async Task<NubedHost> LaunchAsync(NubedHost host)
    {
        try
        {
            await host.StartServiceAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public async Task StartServiceAsync(IDictionary<string, string>? environment = null)
    {
        string[] argv = [.. wrap?.Invoke(Root) ?? [], "dotnet"];
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in argv[1..])
            psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nubed.dll"));
        foreach (var a in new[] { "--data-dir", DataDir, "--run-dir", RunDir, "--vm-uid-base", $"{VmUidBase}" }.Concat(extraArgs))
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
            psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        process = p;
        Client?.Dispose();
        Client = NubeApiClient.ForUnixSocket(Socket, TimeSpan.FromMinutes(2));

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (p.HasExited)
                throw new InvalidOperationException($"nubed exited with code {p.ExitCode} while starting:\n{Log}");
            try
            {
                await Client.GetHostAsync();
                return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < StartTimeout)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Ends the service abruptly (SIGKILL), as a crash would; its VMs must live on.</summary>
    public async Task KillServiceAsync()
    {
        Process.Kill();
        await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Asks the service to stop (SIGTERM), as a service manager's restart does.</summary>
    public async Task TerminateServiceAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", Process.Id.ToString()]))
            await kill.WaitForExitAsync();
        await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>A plain HTTP client on the service's socket, for what the API client hides (status codes, headers, aborts).</summary>
    public HttpClient RawHttp() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, 0);
            await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(Socket), ct);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = new Uri("http://nubed/"), Timeout = TimeSpan.FromMinutes(2) };

    public string Log
    {
        get { lock (log) return log.ToString(); }
    }

    /// <summary>Settings for a VM that boots the test guest directly from its kernel and initrd.</summary>
    public static VmSettings GuestSettings(string name, int memoryMiB = 512, string extraAppend = "") => new()
    {
        Name = name,
        MemoryStartupMiB = memoryMiB,
        Boot = new BootSettings
        {
            Kind = "kernel",
            Kernel = TestGuest.Kernel,
            Initrd = TestGuest.Initrd,
            // The display's console too; ttyS0 last, so that /dev/console (the READY line, the shell) stays on COM1.
            CommandLine = $"console=tty0 console=ttyS0 {extraAppend}".Trim(),
        },
    };

    public Task<VmDetails> CreateGuestVmAsync(string name, string extraAppend = "", string crashAction = "off") =>
        Client.CreateVmAsync(GuestSettings(name, extraAppend: extraAppend) with { CrashAction = crashAction });

    public string SerialLog(Guid id) => Path.Combine(DataDir, "vms", id.ToString(), "com1.log");

    public string[] SerialLines(Guid id) =>
        File.Exists(SerialLog(id)) ? File.ReadAllText(SerialLog(id)).Split('\n', StringSplitOptions.TrimEntries) : [];

    /// <summary>Waits for a line on the VM's COM1 log that satisfies the predicate.</summary>
    public async Task<string> WaitForSerialLineAsync(Guid id, Func<string, bool> predicate, TimeSpan timeout, int skipLines = 0)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var match = SerialLines(id).Skip(skipLines).FirstOrDefault(predicate);
            if (match is not null)
                return match;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No matching line on the console of VM {id} within {timeout.TotalSeconds} s.");
    }

    /// <summary>The last counter value the guest printed, or 0.</summary>
    public int LastCounter(Guid id) =>
        SerialLines(id).Where(l => l.StartsWith(TestGuest.CounterPrefix, StringComparison.Ordinal))
            .Select(l => int.TryParse(l[TestGuest.CounterPrefix.Length..], out var n) ? n : 0)
            .DefaultIfEmpty(0).Last();

    public int? QemuPid(Guid id)
    {
        return Nube.Qemu.Launch.PidFile.Read(Path.Combine(RunDir, "vms", id.ToString(), "pid"));
    }

    public static bool ProcessAlive(int pid) => Nube.Qemu.Launch.QemuProcess.IsRunning(pid);

    /// <summary>
    /// The bridges and TAPs this host's nubed made in the machine's namespace (their alias carries
    /// its key), its nftables tables and its DHCP servers: killed, it could not take them down, and
    /// its data folder, with the key, goes now.
    /// </summary>
    private async Task DeleteLinksAsync()
    {
        var idFile = Path.Combine(DataDir, "host-id");
        if (!File.Exists(idFile))
            return;
        var prefix = $"nube {File.ReadAllText(idFile).Trim().Replace("-", "", StringComparison.Ordinal)[..8]} ";
        var listed = await HostProgram.RunAsync("ip", "-json", "link", "show");
        if (listed.ExitCode != 0)
            return;
        using var links = System.Text.Json.JsonDocument.Parse(listed.Stdout);
        foreach (var link in links.RootElement.EnumerateArray())
        {
            if (link.TryGetProperty("ifalias", out var alias) && alias.GetString() is { } text && text.StartsWith(prefix, StringComparison.Ordinal))
                await HostProgram.RunAsync("ip", "link", "del", "dev", link.GetProperty("ifname").GetString()!);
        }
        // Its firewall tables (the ports' guards, the switches' NAT) and the DHCP servers it started, which outlive it by design.
        var key = prefix.Split(' ')[1];
        await HostProgram.RunAsync("nft", "delete", "table", "bridge", $"nube_ports_{key}");
        await HostProgram.RunAsync("nft", "delete", "table", "ip", $"nube_nat_{key}");
        var switchesRun = Path.Combine(RunDir, "switches");
        if (System.IO.Directory.Exists(switchesRun))
        {
            foreach (var pidFile in System.IO.Directory.GetFiles(switchesRun, "*.dnsmasq.pid"))
            {
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && ProcessAlive(pid))
                {
                    try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        output.WriteLine("---- nubed log ----");
        output.WriteLine(Log);
        if (process is { HasExited: false })
            process.Kill();
        var vmsRun = Path.Combine(RunDir, "vms");
        if (System.IO.Directory.Exists(vmsRun))
        {
            foreach (var dir in System.IO.Directory.GetDirectories(vmsRun))
            {
                if (Guid.TryParse(Path.GetFileName(dir), out var id) && QemuPid(id) is { } pid && ProcessAlive(pid))
                {
                    try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { }
                }
            }
        }
        await DeleteLinksAsync();
        var vmsData = Path.Combine(DataDir, "vms");
        if (System.IO.Directory.Exists(vmsData))
        {
            foreach (var log in System.IO.Directory.GetFiles(vmsData, "com1.log", SearchOption.AllDirectories))
            {
                output.WriteLine($"---- console {log} (last 40 lines) ----");
                output.WriteLine(string.Join('\n', File.ReadAllLines(log).TakeLast(40)));
            }
        }
        Client?.Dispose();
        if (process is not null)
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        try { System.IO.Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
