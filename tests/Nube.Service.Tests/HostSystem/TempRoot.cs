using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

/// <summary>A folder of the test's own standing in for /etc and /usr/share/zoneinfo; removed afterwards.</summary>
internal sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Directory.CreateDirectory(Path.Combine(Etc, "profile.d"));
        Directory.CreateDirectory(ZoneInfo);
        File.WriteAllText(KernelHostName, "old-name\n");
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("nube-hostsystem-").FullName;
    public string Etc => Path.Combine(Root, "etc");
    public string ZoneInfo => Path.Combine(Root, "zoneinfo");
    public string KernelHostName => Path.Combine(Root, "kernel-hostname");

    public HostSystemPaths Paths => new()
    {
        Etc = Etc,
        ZoneInfo = ZoneInfo,
        KernelHostName = KernelHostName,
        AptLists = Path.Combine(Root, "apt-lists"),
        DpkgStatus = Path.Combine(Root, "dpkg-status"),
        SystemdRuntime = Path.Combine(Root, "run-systemd-system"),
    };

    /// <summary>A zone file: the TZif magic is what the rules look for.</summary>
    public void AddZone(string name, string content = "TZif2 and the rest")
    {
        var path = Path.Combine(ZoneInfo, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>The names of a folder's entries, hidden ones included, sorted.</summary>
    public static string[] Names(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
