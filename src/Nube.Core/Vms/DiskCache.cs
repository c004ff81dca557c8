namespace Nube.Core.Vms;

/// <summary>How QEMU reaches a disk image's file on the host.</summary>
public enum DiskCache
{
    /// <summary>
    /// Through the host's page cache (QEMU <c>cache.direct=off</c>, thread-pool I/O): works on
    /// every file system, and reads the guest repeats come from host memory. The default.
    /// </summary>
    Writeback,
    /// <summary>
    /// Past the page cache (<c>cache.direct=on</c>, <c>aio=native</c>): no double caching and
    /// steadier latency for heavy I/O, but the file system must support O_DIRECT (tmpfs does
    /// not: QEMU then refuses to start and says so).
    /// </summary>
    Direct,
}
