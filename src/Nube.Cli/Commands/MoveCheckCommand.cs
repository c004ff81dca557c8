using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Spectre.Console;

namespace Nube.Cli.Commands;

/// <summary><c>nube vm move-check VM --to PEER</c>: whether a VM can move to a peer host, and every reason it cannot (Hyper-V's Compare-VM).</summary>
public static class MoveCheckCommand
{
    public static Command Build(Argument<string> vmArg)
    {
        var to = new Option<string>("--to") { Description = "The peer host, as 'nube host peer list' names it", Required = true };
        var quick = new Option<bool>("--quick") { Description = "Check a quick migration (save, move, restore) instead of a live one" };
        var (withStorage, folder) = MoveCommand.StorageOptions();
        var c = new Command("move-check", "Check whether the VM can move to a peer host now; nothing changes") { vmArg, to, quick, withStorage, folder };
        c.SetHandler(async (p, client, ct) =>
        {
            var check = await client.Migrations.CheckAsync(p.GetValue(vmArg)!, new Contracts.Vms.MoveRequest
            {
                To = p.GetValue(to)!, Live = !p.GetValue(quick), WithStorage = p.GetValue(withStorage), StorageFolder = p.GetValue(folder),
            }, ct);
            var how = check.Live ? "live" : "by quick migration";
            // For scripts the answer is the JSON (canMove); for a person, a refusal is also the exit code.
            if (Printer.Json(p) || check.CanMove)
            {
                Printer.Say(p, check, ContractsJson.Default.MoveCheckInfo, m => $"VM '{m.Vm}' can move to {m.Destination} {how}.");
                return;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Where").AddColumn("Problem");
            foreach (var problem in check.Problems)
                table.AddRow(new Text(problem.Field), new Text(problem.Message));
            AnsiConsole.Write(table);
            throw new CliException(ExitCodes.Conflict, $"VM '{check.Vm}' cannot move to {check.Destination} {how}: {check.Problems.Count} problem(s) above.");
        });
        return c;
    }
}
