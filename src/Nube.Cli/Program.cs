using System.CommandLine;
using Nube.Cli.Commands;
using Nube.Cli.Output;
using Nube.Cli.Sconfig;
using Spectre.Console;

// Colours are for terminals; a pipe or a file gets plain text, and whole table rows rather
// than rows wrapped at an assumed 80 columns, so that grep finds a row on one line.
AnsiConsole.Profile.Capabilities.Ansi = !Console.IsOutputRedirected;
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 240;

var root = new RootCommand("nube: manage a Nube virtualization host");
GlobalOptions.AddTo(root);
root.Subcommands.Add(VmCommands.Build());
root.Subcommands.Add(JobCommands.Build());
root.Subcommands.Add(EventsCommand.Build());
root.Subcommands.Add(HostCommands.Build());
root.Subcommands.Add(SconfigCommand.Build());
root.Subcommands.Add(UserCommands.Build());
root.Subcommands.Add(TokenCommands.Build());
root.Subcommands.Add(AuditCommand.Build());
root.Subcommands.Add(DiskCommands.Build());
root.Subcommands.Add(IsoCommands.Build());
root.Subcommands.Add(SwitchCommands.Build());
var parsed = root.Parse(args);
// Bad usage exits 2, as docs/cli.md says (System.CommandLine's own answer would exit 1), and with --json says so in JSON.
if (parsed.Errors.Count > 0)
    return ErrorReport.Write(parsed.GetResult(GlobalOptions.Json) is { Implicit: false }, ExitCodes.Usage,
        $"{string.Join(" ", parsed.Errors.Select(e => e.Message))} See '{CommandLine(parsed.CommandResult)} --help'.");
return await parsed.InvokeAsync();

static string CommandLine(System.CommandLine.Parsing.CommandResult command) =>
    command.Parent is System.CommandLine.Parsing.CommandResult parent ? $"{CommandLine(parent)} {command.Command.Name}" : command.Command.Name;
