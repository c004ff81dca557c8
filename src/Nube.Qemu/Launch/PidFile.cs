namespace Nube.Qemu.Launch;

/// <summary>The pid of a VM's QEMU, as nubed wrote it in the VM's runtime folder (older Nubes had QEMU write it).</summary>
public static class PidFile
{
    /// <summary>The pid, or null when the file is missing, unreadable or holds no number.</summary>
    public static int? Read(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
