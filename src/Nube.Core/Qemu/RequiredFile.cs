namespace Nube.Core.Qemu;

/// <summary>A file QEMU will open, named by the config field it came from so a missing one can be reported there.</summary>
public sealed record RequiredFile(string Field, string Path);
