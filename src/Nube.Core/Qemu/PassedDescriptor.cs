namespace Nube.Core.Qemu;

/// <summary>What the launcher opens for QEMU and hands it as an inherited descriptor.</summary>
public enum DescriptorKind
{
    /// <summary>A file opened read-write (a disk, the UEFI variables).</summary>
    ReadWriteFile,
    /// <summary>A file opened read-only (a DVD, a backing image, a saved state to restore).</summary>
    ReadOnlyFile,
    /// <summary>A host block device (a passthrough disk), opened exclusively: refused while mounted or another VM has it.</summary>
    BlockDevice,
    /// <summary>A host block device opened read-only, exclusively.</summary>
    ReadOnlyBlockDevice,
    /// <summary>A UNIX socket the launcher makes and listens on (QMP, the guest agent, COM1).</summary>
    ListeningSocket,
    /// <summary>An existing TAP device, attached as one queue.</summary>
    Tap,
    /// <summary>One queue of an existing multi-queue TAP device.</summary>
    TapQueue,
}

/// <summary>
/// One descriptor QEMU inherits at <paramref name="Fd"/>. QEMU never opens these by path: nubed
/// (root) opens each, refusing links, and QEMU runs as a user that could not open them itself.
/// </summary>
/// <param name="Field">The configuration field it comes from, for errors.</param>
/// <param name="Target">The file's or socket's path, or the TAP device's name.</param>
/// <param name="Direct">A disk file or device opened with O_DIRECT: QEMU takes a descriptor from a
/// fdset only when its access mode and O_DIRECT match those QEMU opens with (cache.direct).</param>
public sealed record PassedDescriptor(int Fd, DescriptorKind Kind, string Field, string Target, bool Direct = false);
