using System.Runtime.CompilerServices;
using System.Text.Json;
using Nube.Core.Qemu;
using Nube.Core.Serialization;
using Nube.Core.Validation;
using Nube.Core.Vms;
using EditionCatalogue = Nube.Core.Editions.Editions;

namespace Nube.Core.Tests.Qemu;

/// <summary>
/// Proxmox cfg2cmd style: each <c>Goldens/&lt;case&gt;.json</c> is validated and built; a valid
/// case must match <c>&lt;case&gt;.argv</c> (one argument per line), an invalid one
/// <c>&lt;case&gt;.err</c> (one message per line). <c>NUBE_UPDATE_GOLDENS=1</c> rewrites the
/// expected files in the source folder instead of comparing; review the diff before committing.
/// </summary>
public class GoldenTests
{
    private static readonly string OutputFolder = Path.Join(AppContext.BaseDirectory, "Goldens");

    public static TheoryData<string> Cases => new(Directory.GetFiles(OutputFolder, "*.json")
        .Select(path => Path.GetFileNameWithoutExtension(path)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_case_gives_its_golden_argv_or_errors(string name)
    {
        var golden = JsonSerializer.Deserialize<GoldenCase>(File.ReadAllText(Path.Join(OutputFolder, name + ".json")), NubeJson.Options)!;
        var (extension, lines) = Run(golden);
        var actual = string.Concat(lines.Select(line => line + "\n"));
        if (Environment.GetEnvironmentVariable("NUBE_UPDATE_GOLDENS") == "1")
        {
            Update(name, extension, actual);
            return;
        }
        var expectedPath = Path.Join(OutputFolder, name + extension);
        Assert.True(File.Exists(expectedPath), $"{name}{extension} is missing; run the tests with NUBE_UPDATE_GOLDENS=1 to write it");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    private static (string Extension, IEnumerable<string> Lines) Run(GoldenCase golden)
    {
        // A case of schema version 1 (no device ids) reads as a stored vm.json of that version does.
        var vm = VmConfigUpgrade.ToCurrent(golden.Vm);
        var errors = VmValidator.Validate(vm, EditionCatalogue.Find(golden.Edition), [], ["lan"]);
        if (errors.Count > 0)
            return (".err", errors.Select(e => e.Message));
        // The descriptors follow the argv, so that a diff shows which file each fd number is; then the TAPs the launcher makes.
        var plan = QemuCommandBuilder.Build(vm, golden.Context);
        return (".argv", plan.Argv.Concat(plan.Descriptors.Select(d => $"# fd {d.Fd}: {d.Kind}{(d.Direct ? " O_DIRECT" : "")} {d.Target} ({d.Field})"))
            .Concat(plan.Ports.Select(p => $"# port {p.AdapterId}: TAP {p.Tap}{(p.MultiQueue ? " multi_queue" : "")} {(p.Switch is { } s ? $"on switch {s}, VLAN {p.Vlan}" : "on no switch, link down")} ({p.VmName})")));
    }

    private static void Update(string name, string extension, string actual)
    {
        var folder = SourceFolder();
        File.WriteAllText(Path.Join(folder, name + extension), actual);
        // A case that turned from valid to invalid (or back) must not keep its old expectation.
        File.Delete(Path.Join(folder, name + (extension == ".argv" ? ".err" : ".argv")));
    }

    private static string SourceFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Join(Path.GetDirectoryName(thisFile), "..", "Goldens"));
}
