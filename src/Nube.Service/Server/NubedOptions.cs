namespace Nube.Service.Server;

/// <summary>Where this host service keeps its data and how it is reached; set on the command line.</summary>
public sealed class NubedOptions
{
    public string DataDir { get; set; } = "/var/lib/nube";
    public string RunDir { get; set; } = "/run/nube";
    /// <summary>The API's UNIX socket; default &lt;RunDir&gt;/nubed.sock.</summary>
    public string? Socket { get; set; }
    /// <summary>
    /// A TCP listener at start, e.g. http://127.0.0.1:8006 or https://0.0.0.0:8006 (TLS), in place
    /// of host.json's remote-management settings until those are changed.
    /// </summary>
    public string? Listen { get; set; }
    /// <summary>Optional file holding a bearer token that TCP clients may send, besides users' API tokens and sessions.</summary>
    public string? TokenFile { get; set; }
    public string Qemu { get; set; } = "qemu-system-x86_64";
    /// <summary>A file for the log, dated and rotated, in place of standard output or the journal.</summary>
    public string? LogFile { get; set; }
    /// <summary>The first uid (and gid) of the range that VMs' QEMUs run as, one each.</summary>
    public uint VmUidBase { get; set; } = Persistence.VmUserStore.DefaultFirstUid;
    /// <summary>How many uids the range has: at most this many VMs on the host.</summary>
    public uint VmUidCount { get; set; } = Persistence.VmUserStore.DefaultCount;

    public string SocketPath => Socket ?? Path.Combine(RunDir, "nubed.sock");

    /// <summary>Command-line switches, for <c>AddCommandLine</c>.</summary>
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--data-dir"] = "Nube:DataDir",
        ["--run-dir"] = "Nube:RunDir",
        ["--socket"] = "Nube:Socket",
        ["--listen"] = "Nube:Listen",
        ["--token-file"] = "Nube:TokenFile",
        ["--qemu"] = "Nube:Qemu",
        ["--log-file"] = "Nube:LogFile",
        ["--vm-uid-base"] = "Nube:VmUidBase",
        ["--vm-uid-count"] = "Nube:VmUidCount",
    };
}
