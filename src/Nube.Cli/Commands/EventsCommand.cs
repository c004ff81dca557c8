using System.CommandLine;
using System.Text.Json;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Events;

namespace Nube.Cli.Commands;

/// <summary><c>nube events</c>: follows the host's event stream (VM states, jobs and their progress) until Ctrl+C.</summary>
public static class EventsCommand
{
    public static Command Build()
    {
        var vm = new Option<string?>("--vm") { Description = "Only this VM's events (name or id)" };
        var c = new Command("events", "Follow the host's events (VM states, jobs and their progress) until Ctrl+C") { vm };
        c.SetHandler(async (p, client, ct) =>
        {
            // By id, so that a rename while following does not lose the VM; a typo fails here, not silently.
            Guid? only = p.GetValue(vm) is { } name ? (await client.GetVmAsync(name, 0, ct)).Summary.Id : null;
            var json = Printer.Json(p);
            try
            {
                await foreach (var e in client.FollowEventsAsync(ct: ct))
                {
                    if (only is { } id && (e.VmId ?? e.Job?.VmId) != id && e.Type != HostEventTypes.Overflow)
                        continue;
                    Console.Out.WriteLine(json ? JsonSerializer.Serialize(e, CompactJson.Context.HostEvent) : EventLines.Format(e));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return; // Ctrl+C is how following ends
            }
            throw new CliException(ExitCodes.Failed, "The host service ended the event stream (did nubed stop?).");
        });
        return c;
    }
}
