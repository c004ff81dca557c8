using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Disks;

namespace Nube.Service.Tests.Disks;

/// <summary>The files a disk request names: inside the roots where their links lead, never overwritten, in the format their names say.</summary>
public sealed class DiskPathsTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("nube-diskpaths-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private DiskPaths Paths => new([Path.Join(root, "images")], Path.Join(root, "data"));

    [Fact]
    public void A_new_file_is_refused_where_anything_already_is_even_a_dangling_link()
    {
        var images = Directory.CreateDirectory(Path.Join(root, "images")).FullName;
        File.WriteAllText(Path.Join(images, "taken.qcow2"), "");
        File.CreateSymbolicLink(Path.Join(images, "dangling.qcow2"), Path.Join(root, "nowhere.qcow2"));
        var errors = new List<ValidationError>();
        Assert.Equal(Path.Join(images, "new.qcow2"), Paths.New("path", Path.Join(images, "new.qcow2"), errors));
        Paths.New("path", Path.Join(images, "taken.qcow2"), errors);
        Paths.New("destination", Path.Join(images, "dangling.qcow2"), errors);
        Paths.New("path", Path.Join(images, "missing", "x.qcow2"), errors);
        Paths.New("path", "relative.qcow2", errors);
        Assert.Equal([
            $"path: '{images}/taken.qcow2' already exists; Nube never overwrites a file: choose another name or remove it first",
            $"destination: '{images}/dangling.qcow2' already exists; Nube never overwrites a file: choose another name or remove it first",
            $"path: the folder of '{images}/missing/x.qcow2' does not exist",
            "path: 'relative.qcow2' is not an absolute host path",
        ], errors.Select(e => e.Message));
    }

    [Fact]
    public void A_link_is_judged_where_it_leads()
    {
        var images = Directory.CreateDirectory(Path.Join(root, "images")).FullName;
        File.WriteAllText(Path.Join(root, "outside.raw"), "");
        File.CreateSymbolicLink(Path.Join(images, "link.raw"), Path.Join(root, "outside.raw"));
        var errors = new List<ValidationError>();
        Assert.Equal("", Paths.Existing("path", Path.Join(images, "link.raw"), errors));
        Assert.StartsWith($"path: '{images}/link.raw', that is '{root}/outside.raw', is outside the host's storage roots", Assert.Single(errors).Message);
    }

    [Fact]
    public void The_format_is_the_one_the_name_says_or_the_name_is_refused()
    {
        var errors = new List<ValidationError>();
        Assert.Equal(DiskFormat.Vhdx, DiskPaths.Format("format", null, "/i/a.vhdx", errors));
        Assert.Equal(DiskFormat.Raw, DiskPaths.Format("format", null, "/i/a.disk", errors));
        Assert.Equal(DiskFormat.Qcow2, DiskPaths.Format("format", "QCOW2", "/i/a.qcow2", errors));
        Assert.Empty(errors);
        DiskPaths.Format("format", "vhdx", "/i/a.qcow2", errors);
        DiskPaths.Format("format", "vmdk", "/i/a.vmdk", errors);
        Assert.Equal([
            "format: '/i/a.qcow2' has a name that VMs read as qcow2, not VHDX: name it a.vhdx",
            "format: 'vmdk' is not a disk format; use vhdx, vhd, qcow2, raw",
        ], errors.Select(e => e.Message));
    }
}
