using System.Text;
using Nube.Qemu.Protocol;

namespace Nube.Integration.Tests.Infrastructure;

/// <summary>Runs a shell command in the test guest through its agent (guest-exec), for tests to look inside.</summary>
public static class GuestShell
{
    public static async Task<string> RunAsync(NubedHost host, Guid vm, string command)
    {
        var socket = Path.Combine(host.RunDir, "vms", vm.ToString(), "qga.sock");
        await using var stream = await UnixSocket.ConnectAsync(socket, CancellationToken.None);
        await using var agent = await GuestAgentClient.ConnectAsync(stream, TimeSpan.FromSeconds(60));
        var started = await agent.ExecuteAsync("guest-exec", new Dictionary<string, object>
        {
            ["path"] = "/bin/sh",
            ["arg"] = new[] { "-c", command },
            ["capture-output"] = true,
        });
        var pid = started.GetProperty("pid").GetInt64();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var status = await agent.ExecuteAsync("guest-exec-status", new Dictionary<string, object> { ["pid"] = pid });
            if (status.GetProperty("exited").GetBoolean())
            {
                var output = status.TryGetProperty("out-data", out var data) ? Encoding.UTF8.GetString(data.GetBytesFromBase64()) : "";
                var code = status.TryGetProperty("exitcode", out var c) ? c.GetInt32() : -1;
                return code == 0 ? output : throw new InvalidOperationException($"'{command}' exited with {code}: {output}");
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"'{command}' did not finish in the guest within 30 s.");
    }
}
