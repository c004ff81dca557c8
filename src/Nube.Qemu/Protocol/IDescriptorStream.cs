using System.Runtime.InteropServices;

namespace Nube.Qemu.Protocol;

/// <summary>A stream that can carry a file descriptor with the bytes it sends (SCM_RIGHTS on a UNIX socket).</summary>
public interface IDescriptorStream
{
    /// <summary>Sends <paramref name="bytes"/> whole, <paramref name="descriptor"/> with the first of them.</summary>
    void SendWithDescriptor(ReadOnlySpan<byte> bytes, SafeHandle descriptor);
}
