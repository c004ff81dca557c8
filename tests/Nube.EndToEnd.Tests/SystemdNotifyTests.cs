using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Nube.EndToEnd.Tests.Infrastructure;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// nubed as systemd runs it: its parent is named systemd and NOTIFY_SOCKET names a datagram socket.
/// A copy of bash named systemd stands in for PID 1, which is not systemd on this machine.
/// </summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("nube-sd-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Nubed_notifies_ready_once_it_serves_and_stopping_and_logs_with_journal_priorities()
    {
        var notify = Path.Combine(root, "notify");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(notify));
        var parent = Path.Combine(root, "systemd");
        File.Copy("/bin/bash", parent);
        var nubed = Path.Combine(AppContext.BaseDirectory, "nubed.dll");
        var vmUidBase = 0x70000000u + 1000u * (uint)Random.Shared.Next(1, 100_000);
        // "; true" keeps bash from exec'ing dotnet, so that nubed's parent is the process named systemd.
        var psi = new ProcessStartInfo(parent)
        {
            ArgumentList = { "-c", $"dotnet {nubed} --data-dir {root}/data --run-dir {root}/run --vm-uid-base {vmUidBase}; true" },
            RedirectStandardOutput = true,
            Environment = { ["NOTIFY_SOCKET"] = notify },
        };
        using var shell = Process.Start(psi)!;
        var output = shell.StandardOutput.ReadToEndAsync();
        try
        {
            Assert.Equal("READY=1", await ReceiveAsync(socket));
            Assert.True(File.Exists(Path.Combine(root, "run", "nubed.sock")), "nubed said READY=1 before its socket existed.");
            var child = File.ReadAllText($"/proc/{shell.Id}/task/{shell.Id}/children").Trim();
            await HostProgram.OutputAsync("kill", "-TERM", child);
            Assert.Equal("STOPPING=1", await ReceiveAsync(socket));
            await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!shell.HasExited)
                shell.Kill(entireProcessTree: true);
        }
        var log = await output;
        // Syslog priority prefixes, which journald turns into each entry's priority.
        Assert.Contains("<6>nubed[0] nubed ", log);
        Assert.Contains($"for data directory {root}/data, logging to Journal", log);
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        var n = await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(60));
        return Encoding.ASCII.GetString(buffer, 0, n).Trim();
    }
}
