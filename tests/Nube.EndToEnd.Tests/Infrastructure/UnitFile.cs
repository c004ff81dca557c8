namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>A systemd unit file shipped in scripts/systemd, read as its settings (comments left out).</summary>
public sealed class UnitFile
{
    private readonly List<(string Section, string Key, string Value)> settings = [];

    private UnitFile(string path)
    {
        var section = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;
            if (line[0] == '[')
                section = line.Trim('[', ']');
            else if (line.Split('=', 2) is [var key, var value])
                settings.Add((section, key.Trim(), value.Trim()));
        }
    }

    /// <summary>The repository's scripts/systemd folder, found upwards from the test's binaries.</summary>
    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Nube.slnx")))
                    return Path.Combine(dir.FullName, "scripts", "systemd");
            }
            throw new DirectoryNotFoundException($"No Nube.slnx above {AppContext.BaseDirectory}.");
        }
    }

    public static UnitFile Read(string name) => new(Path.Combine(Folder, name));

    /// <summary>Every value of the key in the section, in order; space-separated lists split.</summary>
    public IReadOnlyList<string> All(string section, string key) =>
        [.. settings.Where(s => s.Section == section && s.Key == key).SelectMany(s => s.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>The one value of the key, as written.</summary>
    public string One(string section, string key) =>
        Assert.Single(settings, s => s.Section == section && s.Key == key).Value;
}
