using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Hosts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Commands;

/// <summary><c>nube host peer ...</c>: the hosts this one trusts, which VMs move between.</summary>
public static class HostPeerCommands
{
    public static Command Build()
    {
        var peer = new Command("peer", "Hosts this one trusts: their address, pinned certificate and an API token of theirs");
        peer.Subcommands.Add(Add());
        peer.Subcommands.Add(List());
        peer.Subcommands.Add(Remove());
        return peer;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "What this host calls the peer: letters, digits, '.' and '-'" };
        var url = new Option<string>("--url") { Description = "The peer's API address, https://HOST:PORT/ (its 'nube host info' shows it)", Required = true };
        var fingerprint = new Option<string>("--fingerprint")
        {
            Description = "The SHA-256 fingerprint of the peer's certificate, as its 'nube host info' shows it: pinned", Required = true,
        };
        var tokenFile = new Option<FileInfo>("--peer-token-file") { Description = "A file holding an API token of the peer ('nube token new' there)", Required = true };
        var c = new Command("add", "Trust another host: it must answer with that certificate and take the token") { name, url, fingerprint, tokenFile };
        c.SetHandler(async (p, client, ct) =>
        {
            var file = p.GetValue(tokenFile)!;
            string token;
            try
            {
                token = (await File.ReadAllTextAsync(file.FullName, ct)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Usage, $"--peer-token-file: cannot read '{file.FullName}': {e.Message}");
            }
            var added = await client.Peers.AddAsync(new PeerSettings { Name = p.GetValue(name), Url = p.GetValue(url), Fingerprint = p.GetValue(fingerprint), Token = token }, ct);
            Printer.Say(p, added, ContractsJson.Default.PeerInfo, a => $"Added peer '{a.Name}' ({a.HostName}, QEMU {a.QemuVersion}) at {a.Url}.");
        });
        return c;
    }

    private static Command List()
    {
        var noCheck = new Option<bool>("--no-check") { Description = "Do not ask the peers now (only what is kept)" };
        var c = new Command("list", "List the peers, each asked now with its pinned certificate and token") { noCheck };
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.Peers.ListAsync(!p.GetValue(noCheck), ct), ContractsJson.Default.IReadOnlyListPeerInfo, Table));
        return c;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name") { Description = "The peer's name" };
        var c = new Command("remove", "Stop trusting a host: its pinned fingerprint and its token are forgotten") { name };
        c.SetHandler(async (p, client, ct) =>
        {
            var removed = await client.Peers.RemoveAsync(p.GetValue(name)!, ct);
            Printer.Say(p, removed, ContractsJson.Default.PeerInfo, r => $"Removed peer '{r.Name}' ({r.Url}).");
        });
        return c;
    }

    private static IRenderable Table(IReadOnlyList<PeerInfo> peers)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Name").NoWrap()).AddColumn("Address").AddColumn("Host").AddColumn("State").AddColumn("QEMU")
            .AddColumn("Machine types").AddColumn("Certificate (SHA-256)");
        foreach (var peer in peers)
            t.AddRow(new Text(peer.Name), new Text(peer.Url), new Text(peer.HostName ?? "-"),
                new Text(peer.Reachable switch { true => "reachable", false => $"unreachable: {peer.Problem}", null => "not asked" }),
                new Text(peer.QemuVersion ?? "-"), new Text(peer.CurrentMachines is { } m ? string.Join(", ", m) : "-"), new Text(peer.Fingerprint));
        return t;
    }
}
