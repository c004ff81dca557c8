using System.CommandLine;
using Nube.Cli.Commands;
using Spectre.Console;

// Multicore JIT: each run records what it compiled, and the next run compiles that on the
// other cores while this one starts; most of a CLI call is start-up.
var appData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
if (Path.IsPathRooted(appData))
{
    try
    {
        var cache = Directory.CreateDirectory(Path.Combine(appData, "nube")).FullName;
        System.Runtime.ProfileOptimization.SetProfileRoot(cache);
        System.Runtime.ProfileOptimization.StartProfile("cli.jitprofile");
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        // A read-only home only costs speed.
    }
}

// Colours are for terminals; a pipe or a file gets plain text.
AnsiConsole.Profile.Capabilities.Ansi = !Console.IsOutputRedirected;

var root = new RootCommand("nube: manage a Nube virtualization host");
GlobalOptions.AddTo(root);
root.Subcommands.Add(VmCommands.Build());
root.Subcommands.Add(HostCommands.Build());
return await root.Parse(args).InvokeAsync();
