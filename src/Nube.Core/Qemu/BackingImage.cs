using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// One image below a disk in its backing chain, as nubed read it from the disk's header (and
/// checked against the storage roots) before the start: QEMU gets each as an explicit node
/// and never follows a header itself.
/// </summary>
public sealed record BackingImage(string Path, DiskFormat Format);
