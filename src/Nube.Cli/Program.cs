using System.CommandLine;
using Nube.Cli.Commands;

var root = new RootCommand("nube: manage a Nube virtualization host");
GlobalOptions.AddTo(root);
root.Subcommands.Add(VmCommands.Build());
root.Subcommands.Add(HostCommands.Build());
return await root.Parse(args).InvokeAsync();
