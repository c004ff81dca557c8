using Nube.Core.Serialization;
using Nube.Core.Switches;
using Nube.Linux;

namespace Nube.Service.Persistence;

/// <summary>One file per virtual switch, <c>&lt;data&gt;/switches/&lt;id&gt;.json</c>; file names are ids, never names.</summary>
public sealed class SwitchStore(string dataDirectory)
{
    public string Folder { get; } = Path.Combine(dataDirectory, "switches");

    /// <summary>Every switch file: the switch, or why it cannot be read (such a switch is left alone, and logged).</summary>
    public IEnumerable<(Guid Id, VirtualSwitch? Switch, string? Problem)> LoadAll()
    {
        if (!Directory.Exists(Folder))
            yield break;
        foreach (var file in Directory.EnumerateFiles(Folder, "*.json").Order())
        {
            if (!Guid.TryParseExact(Path.GetFileNameWithoutExtension(file), "D", out var id))
                continue;
            VirtualSwitch? sw = null;
            string? problem = null;
            try
            {
                var read = ConfigDocument.Parse<VirtualSwitch>(File.ReadAllText(file), VirtualSwitch.CurrentSchemaVersion, file);
                if (read.Id == id)
                    sw = read;
                else
                    problem = $"{file}: id {read.Id} does not match its file name";
            }
            catch (Exception e) when (e is ConfigDocumentException or IOException or UnauthorizedAccessException)
            {
                problem = e.Message;
            }
            yield return (id, sw, problem);
        }
    }

    public Task SaveAsync(VirtualSwitch sw, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return AtomicFile.WriteAllTextAsync(FileOf(sw.Id), ConfigDocument.Write(sw), ct);
    }

    public void Delete(Guid id) => File.Delete(FileOf(id));

    private string FileOf(Guid id) => Path.Combine(Folder, $"{id:D}.json");
}
