using System.Runtime.InteropServices;
using Nube.Core.Qemu;

namespace Nube.Linux.Descriptors;

/// <summary>Opens what a launch plan passes to QEMU, as root, each file refused when it is a link or not a regular file.</summary>
public static class DescriptorOpener
{
    /// <summary>Every descriptor of the plan by its target number; on any error, those opened so far are closed.</summary>
    /// <exception cref="IOException">One cannot be opened; the message names its field and path.</exception>
    public static Dictionary<int, SafeHandle> OpenAll(IEnumerable<PassedDescriptor> descriptors)
    {
        var opened = new Dictionary<int, SafeHandle>();
        try
        {
            foreach (var d in descriptors)
                opened[d.Fd] = Open(d);
            return opened;
        }
        catch
        {
            CloseAll(opened);
            throw;
        }
    }

    public static void CloseAll(Dictionary<int, SafeHandle> opened)
    {
        foreach (var handle in opened.Values)
            handle.Dispose();
    }

    private static SafeHandle Open(PassedDescriptor d)
    {
        try
        {
            return d.Kind switch
            {
                DescriptorKind.ReadWriteFile => RegularFile.Open(d.Target, FileAccessMode.ReadWrite, d.Direct).Handle,
                DescriptorKind.ReadOnlyFile => RegularFile.Open(d.Target, FileAccessMode.Read, d.Direct).Handle,
                DescriptorKind.BlockDevice => RegularFile.OpenBlockDevice(d.Target, readOnly: false, d.Direct),
                DescriptorKind.ReadOnlyBlockDevice => RegularFile.OpenBlockDevice(d.Target, readOnly: true, d.Direct),
                DescriptorKind.ListeningSocket => ListeningSocket.Create(d.Target),
                DescriptorKind.Tap => TapDevice.Open(d.Target, multiQueue: false),
                DescriptorKind.TapQueue => TapDevice.Open(d.Target, multiQueue: true),
                _ => throw new ArgumentOutOfRangeException(nameof(d), d.Kind, "unknown descriptor kind"),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{d.Field}: '{d.Target}': {e.Message}", e);
        }
    }
}
