namespace Nube.Core.Qemu;

/// <summary>
/// Numbers the descriptors of one launch from 3 up, in the order the builder asks for them.
/// A file is also its own fdset (the same number), which QEMU opens as <c>/dev/fdset/N</c>.
/// </summary>
internal sealed class Descriptors
{
    private const int FirstFd = 3;
    private readonly List<PassedDescriptor> passed = [];
    private readonly Dictionary<string, int> nodes = new(StringComparer.Ordinal);

    public IReadOnlyList<PassedDescriptor> All => passed;

    /// <summary>The fdset of each block node's file, for the QMP calls that later let go of it.</summary>
    public IReadOnlyDictionary<string, int> Nodes => nodes;

    public int Pass(DescriptorKind kind, string field, string target, bool direct = false)
    {
        var fd = FirstFd + passed.Count;
        passed.Add(new(fd, kind, field, target, direct));
        return fd;
    }

    /// <summary>Passes a block node's file (see <see cref="File(List{string}, string, string, bool)"/>) and remembers its fdset.</summary>
    public string File(List<string> argv, FdSet file)
    {
        var name = DiskModel.IsDevice(file.Path) ? Device(argv, file) : File(argv, file.Field, file.Path, file.ReadOnly, file.Direct);
        nodes[file.Node] = passed[^1].Fd;
        return name;
    }

    private string Device(List<string> argv, FdSet file)
    {
        var fd = Pass(file.ReadOnly ? DescriptorKind.ReadOnlyBlockDevice : DescriptorKind.BlockDevice, file.Field, file.Path, file.Direct);
        argv.AddRange(["-add-fd", $"fd={fd},set={fd}"]);
        return $"/dev/fdset/{fd}";
    }

    /// <summary>Passes a file and returns the <c>-add-fd</c> arguments and the name QEMU opens it by.</summary>
    public string File(List<string> argv, string field, string path, bool readOnly, bool direct = false)
    {
        var fd = Pass(readOnly ? DescriptorKind.ReadOnlyFile : DescriptorKind.ReadWriteFile, field, path, direct);
        argv.AddRange(["-add-fd", $"fd={fd},set={fd}"]);
        return $"/dev/fdset/{fd}";
    }
}
