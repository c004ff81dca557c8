using System.Globalization;
using Nube.Core.Switches;
using Nube.Linux.Network;
using Nube.Linux.Processes;
using Nube.Service.Persistence;
using Nube.Service.Server;

namespace Nube.Service.Switches;

/// <summary>
/// What makes an internal switch a VM's way out, as Hyper-V's Default Switch: NAT (one nftables
/// table of masquerade rules, and IPv4 forwarding on) and DHCP with DNS (a dnsmasq per switch).
/// dnsmasq runs detached, as the QEMUs do, so that a restart of nubed leaves the VMs' leases
/// served; nubed finds it again by its pid file (<c>&lt;run&gt;/switches/&lt;id&gt;.dnsmasq.pid</c>)
/// and its command line. Leases are kept in <c>&lt;data&gt;/switches/&lt;id&gt;.leases</c>.
/// </summary>
public sealed class SwitchGateway(IHostCommands commands, HostIdentity host, NubedOptions options, ILogger<SwitchGateway> logger)
{
    private const string IpForward = "/proc/sys/net/ipv4/ip_forward";
    private readonly SemaphoreSlim gate = new(1, 1);
    private string Folder => Path.Combine(options.RunDir, "switches");

    /// <summary>NAT and DHCP as the switches say: dnsmasq started, restarted with new settings, or stopped.</summary>
    /// <exception cref="HostCommandException">nft or dnsmasq refused; the message says why.</exception>
    public async Task ApplyAsync(IReadOnlyList<VirtualSwitch> switches, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (switches.Any(s => s.Nat))
                await File.WriteAllTextAsync(IpForward, "1\n", ct).ConfigureAwait(false);
            if (await Nft.ApplyAsync(NatRules.Render(host.Key, switches), (c, t) => commands.RunAsync(c, t), ct).ConfigureAwait(false) is { } problem)
                throw new HostCommandException("nft", $"The switches' NAT could not be put in place: {problem}");
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var wanted = switches.Where(s => s.Dhcp).ToDictionary(s => s.Id);
            foreach (var pidFile in Directory.EnumerateFiles(Folder, "*.dnsmasq.pid"))
            {
                var id = Guid.TryParseExact(Path.GetFileName(pidFile).Split('.')[0], "D", out var g) ? g : Guid.Empty;
                if (!wanted.TryGetValue(id, out var sw) || Running(id) is not { } running || running.CommandLine != string.Join('\0', Arguments(sw)))
                    Stop(id);
            }
            foreach (var sw in wanted.Values.Where(s => Running(s.Id) is null))
                await StartAsync(sw, ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new HostCommandException("nubed", $"The switches' NAT and DHCP could not be put in place: {e.Message}");
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task StartAsync(VirtualSwitch sw, CancellationToken ct)
    {
        // The leases sit beside the switch files, which a new switch may not have yet.
        Directory.CreateDirectory(Path.Combine(options.DataDir, "switches"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var command = new HostCommand("dnsmasq", Arguments(sw)) { Timeout = TimeSpan.FromSeconds(15) };
        var result = await commands.RunAsync(command, ct).ConfigureAwait(false);
        if (result.ExitCode == CommandResult.NotFound)
            throw new HostCommandException(command.ToString(), "dnsmasq is not installed; run scripts/install-deps.sh or apt-get install dnsmasq-base");
        result.EnsureSuccess(command);
        logger.LogInformation("DHCP and DNS for switch {Switch} on {Bridge} (dnsmasq, pid file {PidFile})", sw.Name, LinkNames.Bridge(sw.Id), PidFile(sw.Id));
    }

    /// <summary>dnsmasq daemonizes itself (and drops to its own user once its files are open): it outlives nubed.</summary>
    private List<string> Arguments(VirtualSwitch sw)
    {
        var a = SwitchAddressing.Of(sw)!;
        var gateway = a.Gateway.ToString();
        return
        [
            "--conf-file=/dev/null", $"--pid-file={PidFile(sw.Id)}", $"--interface={LinkNames.Bridge(sw.Id)}", "--bind-interfaces",
            "--except-interface=lo", $"--listen-address={gateway}", $"--dhcp-range={a.FirstLease},{a.LastLease},{a.Mask},1h",
            $"--dhcp-option=option:router,{gateway}", $"--dhcp-option=option:dns-server,{gateway}",
            $"--dhcp-leasefile={Path.Combine(options.DataDir, "switches", $"{sw.Id:D}.leases")}", "--dhcp-authoritative", "--no-hosts",
        ];
    }

    private string PidFile(Guid id) => Path.Combine(Folder, $"{id:D}.dnsmasq.pid");

    /// <summary>The switch's dnsmasq when its pid file names a live dnsmasq (with its command line, NUL-separated), else null.</summary>
    private (int Pid, string CommandLine)? Running(Guid id)
    {
        try
        {
            var pid = int.Parse(File.ReadAllText(PidFile(id)).Trim(), CultureInfo.InvariantCulture);
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0');
            var args = cmdline.Split('\0');
            return args.Length > 0 && Path.GetFileName(args[0]) == "dnsmasq" ? (pid, string.Join('\0', args[1..])) : null;
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Stop(Guid id)
    {
        if (Running(id) is { } running)
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(running.Pid).Kill();
                logger.LogInformation("Stopped the DHCP server of switch {Id} (pid {Pid})", id, running.Pid);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // gone meanwhile
            }
        }
        File.Delete(PidFile(id));
    }
}
