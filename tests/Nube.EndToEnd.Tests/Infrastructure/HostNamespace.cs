namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs nubed with a host of its own, so that a test may change the host name, the time zone and
/// /etc without touching the machine: its own UTS namespace (host name) and mount namespace, with an
/// overlay over /etc whose upper layer lies in the test's folder (files written and renamed there
/// never reach the real /etc). Everything ends with nubed, its only process.
/// </summary>
public static class HostNamespace
{
    /// <summary>The command line that runs nubed's (appended) command line inside the namespaces, given the test's folder.</summary>
    public static IReadOnlyList<string> Wrap(string root)
    {
        var upper = Path.Combine(root, "etc-upper");
        var work = Path.Combine(root, "etc-work");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        // No fork: unshare execs sh, which execs nubed, so that nubed keeps the pid the test started.
        return ["unshare", "--uts", "--mount", "--propagation", "private", "sh", "-c",
            "mount -t overlay overlay -o \"lowerdir=/etc,upperdir=$1,workdir=$2\" /etc && shift 2 && exec \"$@\"",
            "sh", upper, work];
    }

    /// <summary>Runs a program inside the namespaces of process <paramref name="pid"/> and returns its output.</summary>
    public static Task<string> RunAsync(int pid, params string[] command) =>
        HostProgram.OutputAsync("nsenter", ["-t", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--uts", "--mount", "--", .. command]);
}
