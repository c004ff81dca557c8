namespace Nube.Core.Qemu;

/// <summary>What the launcher runs and what it must check and prepare first.</summary>
/// <param name="Argv">The whole command; argv[0] is the QEMU binary.</param>
/// <param name="RequiredFiles">Kernel, initrd, images and firmware that must exist before QEMU starts.</param>
/// <param name="FilesFromTemplates">Files the launcher makes from a template when they do not exist yet (a VM's UEFI variables).</param>
public sealed record LaunchPlan(IReadOnlyList<string> Argv, IReadOnlyList<RequiredFile> RequiredFiles,
    IReadOnlyList<FileFromTemplate> FilesFromTemplates);

