namespace Nube.Cli.Commands;

/// <summary>Exit codes that scripts can act on; docs/cli.md lists them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int Conflict = 4;
    public const int Invalid = 5;
    public const int Unreachable = 6;
    /// <summary>Over <c>--url</c>: no valid token (401) or the credentials may not do it (403).</summary>
    public const int NotAllowed = 7;
    /// <summary>Ctrl+C (SIGINT) while waiting, as shells report a process that SIGINT ended: 128 + 2.</summary>
    public const int Interrupted = 130;

    public static int ForStatus(int status) => status switch
    {
        400 or 413 or 422 => Invalid,
        401 or 403 => NotAllowed,
        404 => NotFound,
        409 => Conflict,
        _ => Failed,
    };
}
