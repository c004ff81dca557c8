using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Nube.Core.Qemu;

namespace Nube.Core.Tests.Qemu;

/// <summary>
/// A QMP plan against its golden (<c>Goldens/plan-&lt;case&gt;.plan</c>): each step and what undoes
/// each. <c>NUBE_UPDATE_GOLDENS=1</c> rewrites them, as for the argv goldens.
/// </summary>
internal static class PlanGolden
{
    public static string Render(ImmutableArray<PlannedStep> steps) => string.Concat(steps
        .SelectMany(step => step.Undo.Select(undo => $"      undo {undo.Describe()}\n").Prepend($"  do {step.Do.Describe()}\n")));

    public static void Check(string name, string actual)
    {
        var path = Path.Join(SourceFolder(), $"plan-{name}.plan");
        if (Environment.GetEnvironmentVariable("NUBE_UPDATE_GOLDENS") == "1")
            File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"plan-{name}.plan is missing; run the tests with NUBE_UPDATE_GOLDENS=1 to write it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    private static string SourceFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Join(Path.GetDirectoryName(thisFile), "..", "Goldens"));
}
