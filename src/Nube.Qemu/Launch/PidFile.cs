namespace Nube.Qemu.Launch;

/// <summary>The pid QEMU wrote with -pidfile.</summary>
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
