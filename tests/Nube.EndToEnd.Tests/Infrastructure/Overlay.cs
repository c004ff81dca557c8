using System.Diagnostics;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A test's own writable disk: a qcow2 overlay in the test's folder over one of the shared test
/// guest's images, which no test ever writes.
/// </summary>
public static class Overlay
{
    public static async Task<string> CreateAsync(NubedHost host, string name, string? backing = null)
    {
        var path = Path.Combine(host.Root, name);
        var psi = new ProcessStartInfo("qemu-img", ["create", "-q", "-f", "qcow2", "-b", backing ?? TestGuest.DataDisk, "-F", "raw", path]);
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, p.ExitCode);
        return path;
    }
}
