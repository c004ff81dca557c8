namespace Nube.Core.Qemu;

/// <summary>What the launcher runs and what it must check first.</summary>
/// <param name="Argv">The whole command; argv[0] is the QEMU binary.</param>
/// <param name="RequiredFiles">Kernel, initrd and images that must exist before QEMU starts.</param>
public sealed record LaunchPlan(IReadOnlyList<string> Argv, IReadOnlyList<RequiredFile> RequiredFiles);
