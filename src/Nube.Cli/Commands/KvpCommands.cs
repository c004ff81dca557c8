using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary><c>nube vm kvp list|get|set|remove</c>: data exchange pairs, as Hyper-V's KVP.</summary>
public static class KvpCommands
{
    private static readonly Argument<string> KeyArg = new("key") { Description = "The pair's key (a file name in the guest: at most 255 bytes, no '/')" };

    public static Command Build(Argument<string> vmArg)
    {
        var kvp = new Command("kvp", "Data exchange: key-value pairs between host and guest, and facts read from the guest");
        kvp.Subcommands.Add(List(vmArg));
        kvp.Subcommands.Add(Get(vmArg));
        kvp.Subcommands.Add(Set(vmArg));
        kvp.Subcommands.Add(Remove(vmArg));
        return kvp;
    }

    private static Option<string?> Pool(string description) => new("--pool")
    {
        Description = description,
        // Checked by the host, which names the pools in its error; offered here for completion.
        CompletionSources = { KvpPools.All.ToArray() },
    };

    private static Command List(Argument<string> vmArg)
    {
        var pool = Pool("Only this pool: host (pairs the host writes into the guest), guest (pairs the guest writes), intrinsic (facts about the guest)");
        var c = new Command("list", "List a VM's pairs, every pool or one") { vmArg, pool };
        c.SetHandler(async (p, client, ct) =>
        {
            var list = await client.ListKvpAsync(p.GetValue(vmArg)!, p.GetValue(pool), ct);
            Printer.Print(p, list, ContractsJson.Default.KvpList, KvpTables.List);
            if (!Printer.Json(p))
            {
                foreach (var note in list.Notes)
                    Console.Error.WriteLine($"{note.Pool}: {note.Note}");
            }
        });
        return c;
    }

    private static Command Get(Argument<string> vmArg)
    {
        var pool = Pool("Look only in this pool (host, guest, intrinsic); by default the first of them that has the key");
        var c = new Command("get", "Print one pair's value") { vmArg, KeyArg, pool };
        c.SetHandler(async (p, client, ct) =>
        {
            var item = await client.GetKvpAsync(p.GetValue(vmArg)!, p.GetValue(KeyArg)!, p.GetValue(pool), ct);
            Printer.Say(p, item, ContractsJson.Default.KvpItem, i => i.Value ?? "");
            if (item.Refused is { } why)
                throw new CliException(ExitCodes.Failed, $"The guest's item '{item.Key}' is refused: {why}");
        });
        return c;
    }

    private static Command Set(Argument<string> vmArg)
    {
        var value = new Argument<string>("value") { Description = "The value (at most 2048 bytes of text on one line)" };
        var c = new Command("set", "Add or replace a pair the host writes into the guest as /var/lib/nube/kvp/host/KEY") { vmArg, KeyArg, value };
        c.SetHandler(async (p, client, ct) =>
        {
            var change = await client.SetKvpAsync(p.GetValue(vmArg)!, p.GetValue(KeyArg)!, p.GetValue(value)!, ct);
            Printer.Say(p, change, ContractsJson.Default.KvpChange,
                ch => ch.InGuest ? $"Set '{ch.Item.Key}'; the guest has it." : $"Set '{ch.Item.Key}'. {ch.Note}");
        });
        return c;
    }

    private static Command Remove(Argument<string> vmArg)
    {
        var c = new Command("remove", "Remove a pair of the host's; its file leaves the guest") { vmArg, KeyArg };
        c.SetHandler(async (p, client, ct) =>
        {
            var change = await client.RemoveKvpAsync(p.GetValue(vmArg)!, p.GetValue(KeyArg)!, ct);
            Printer.Say(p, change, ContractsJson.Default.KvpChange,
                ch => ch.InGuest ? $"Removed '{ch.Item.Key}' from the host and the guest." : $"Removed '{ch.Item.Key}'. {ch.Note}");
        });
        return c;
    }
}
