using System.CommandLine;
using Nube.Cli.Commands;
using Spectre.Console;

// Colours are for terminals; a pipe or a file gets plain text.
AnsiConsole.Profile.Capabilities.Ansi = !Console.IsOutputRedirected;

var root = new RootCommand("nube: manage a Nube virtualization host");
GlobalOptions.AddTo(root);
root.Subcommands.Add(VmCommands.Build());
root.Subcommands.Add(HostCommands.Build());
return await root.Parse(args).InvokeAsync();
