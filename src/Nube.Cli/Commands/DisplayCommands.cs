using System.Buffers.Binary;
using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary><c>nube vm screenshot</c> and <c>nube vm connect</c>: the VM's screen, saved to a file or shown in the web console.</summary>
public static class DisplayCommands
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];

    public static IEnumerable<Command> Build(Argument<string> vmArg) => [Screenshot(vmArg), Connect(vmArg)];

    private static Command Screenshot(Argument<string> vmArg)
    {
        var file = new Argument<string>("file") { Description = "The PNG file to write" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the file if it exists" };
        var c = new Command("screenshot", "Save the VM's screen (running or paused) as a PNG file") { vmArg, file, overwrite };
        c.SetHandler(async (p, client, ct) =>
        {
            var given = p.GetValue(file)!;
            var path = Path.GetFullPath(given);
            var replace = p.GetValue(overwrite);
            // Refused before asking the host, so that a mistyped name costs nothing; the move below refuses a race too.
            if (!replace && Path.Exists(path))
                throw new CliException(ExitCodes.Usage, $"{given} exists: give --overwrite to replace it.");
            var vm = (await client.GetVmAsync(p.GetValue(vmArg)!, 0, ct)).Summary;
            var png = await client.GetScreenshotAsync(vm.Id.ToString(), ct);
            var (width, height) = PngSize(png);
            Save(png, given, path, replace);
            var saved = new ScreenshotSaved { Vm = vm.Name, VmId = vm.Id, File = path, Width = width, Height = height, Bytes = png.Length };
            Printer.Say(p, saved, ContractsJson.Default.ScreenshotSaved, s => $"Saved VM '{s.Vm}' screen ({s.Width}x{s.Height}) to {given}.");
        });
        return c;
    }

    private static Command Connect(Argument<string> vmArg)
    {
        var c = new Command("connect", "Print the web console's address for the VM's console (serial and screen)") { vmArg };
        c.SetHandler(async (p, client, ct) =>
        {
            var vm = (await client.GetVmAsync(p.GetValue(vmArg)!, 0, ct)).Summary;
            var host = await client.GetHostAsync(ct);
            if (host.Remote.Url is not { } url)
                throw new CliException(ExitCodes.Failed,
                    "Remote management is off, so the web console has no address: turn it on with 'nube host set --remote on'.");
            if (!host.WebConsole)
                throw new CliException(ExitCodes.Failed,
                    "The web console is off on this host: turn it on with 'nube host set --web-console on'.");
            var link = new VmConsoleLink { Url = $"{url.TrimEnd('/')}/vms/{vm.Id}/console" };
            Printer.Say(p, link, ContractsJson.Default.VmConsoleLink, l => l.Url);
        });
        return c;
    }

    /// <summary>Width and height from the PNG's IHDR chunk, which the format puts first.</summary>
    private static (int Width, int Height) PngSize(byte[] png)
    {
        var bytes = png.AsSpan();
        if (bytes.Length < 24 || !bytes.StartsWith(PngSignature) || !bytes[12..16].SequenceEqual("IHDR"u8))
            throw new CliException(ExitCodes.Failed, "The host service's screenshot is not a PNG image.");
        return (BinaryPrimitives.ReadInt32BigEndian(bytes[16..20]), BinaryPrimitives.ReadInt32BigEndian(bytes[20..24]));
    }

    /// <summary>Written beside the target and moved into place, so that a file is never left half written.</summary>
    private static void Save(byte[] png, string given, string path, bool replace)
    {
        var temporary = Path.Join(Path.GetDirectoryName(path), $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, png);
            File.Move(temporary, path, overwrite: replace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
            throw new CliException(ExitCodes.Failed, $"Cannot write {given}: {e.Message}");
        }
    }
}
