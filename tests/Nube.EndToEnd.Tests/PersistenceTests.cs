using Nube.Core.Serialization;
using Nube.Core.Vms;
using Nube.Linux;
using Nube.Service.Persistence;

namespace Nube.EndToEnd.Tests;

/// <summary>Configuration files on a real file system: atomic replacement, and nothing of the user's lost.</summary>
public sealed class PersistenceTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("nube-store-").FullName;

    [Fact]
    public async Task An_atomic_write_replaces_the_whole_file_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(dir, "doc.json");
        await AtomicFile.WriteAllTextAsync(path, "old");
        await AtomicFile.WriteAllTextAsync(path, "new content");
        Assert.Equal("new content", await File.ReadAllTextAsync(path));
        Assert.Equal(["doc.json"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Readers_never_see_a_half_written_configuration()
    {
        var store = new VmStore(dir);
        var id = Guid.NewGuid();
        var notes = new string('x', 256 * 1024);
        await store.SaveAsync(new VmConfig { Id = id, Name = "v0", Notes = notes });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var writer = Task.Run(async () =>
        {
            for (var i = 1; !stop.IsCancellationRequested; i++)
                await store.SaveAsync(new VmConfig { Id = id, Name = $"v{i}", Notes = notes });
        });
        var reads = 0;
        while (!writer.IsCompleted)
        {
            var loaded = Assert.Single(store.LoadAll());
            Assert.Null(loaded.Error);
            Assert.StartsWith("v", loaded.Config!.Name);
            reads++;
        }
        await writer;
        Assert.True(reads > 10, $"only {reads} reads overlapped the writes");
    }

    [Fact]
    public async Task Removing_a_vm_keeps_other_files_in_its_folder()
    {
        var store = new VmStore(dir);
        var id = Guid.NewGuid();
        await store.SaveAsync(new VmConfig { Id = id, Name = "keeper" });
        var disk = Path.Combine(store.VmDirectory(id), "disk.qcow2");
        await File.WriteAllTextAsync(disk, "user data");
        await File.WriteAllTextAsync(Path.Combine(store.VmDirectory(id), VmStore.SavedStateFileName), "state");

        store.Remove(id);

        Assert.Equal("user data", await File.ReadAllTextAsync(disk));
        Assert.False(File.Exists(Path.Combine(store.VmDirectory(id), VmStore.ConfigFileName)));
        Assert.False(File.Exists(Path.Combine(store.VmDirectory(id), VmStore.SavedStateFileName)));
        Assert.Empty(store.LoadAll());
    }

    [Fact]
    public void A_vm_file_whose_id_differs_from_its_folder_is_broken()
    {
        var store = new VmStore(dir);
        var folder = Guid.NewGuid();
        var vmDir = store.VmDirectory(folder);
        Directory.CreateDirectory(vmDir);
        var other = new VmConfig { Id = Guid.NewGuid(), Name = "moved" };
        File.WriteAllText(Path.Combine(vmDir, VmStore.ConfigFileName), ConfigDocument.Write(other));
        var loaded = Assert.Single(store.LoadAll());
        Assert.Null(loaded.Config);
        Assert.Equal($"{Path.Combine(vmDir, VmStore.ConfigFileName)}: id {other.Id} does not match its folder {folder}.", loaded.Error);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
