namespace Nube.Core.Qemu;

/// <summary>
/// A file of the VM's own, copied from <paramref name="Template"/> (a required file) when
/// <paramref name="Path"/> is missing, and kept afterwards.
/// </summary>
public sealed record FileFromTemplate(string Field, string Template, string Path);
