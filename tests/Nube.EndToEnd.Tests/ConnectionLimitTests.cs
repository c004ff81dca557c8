using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Nube.EndToEnd.Tests.Infrastructure;
using Nube.Service.Server;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>The TCP listener's connection limits: a flood from one address is cut off and leaves root's CLI on the socket working.</summary>
public sealed class ConnectionLimitTests(ITestOutputHelper output)
{
    private const int Flood = 1000;

    [Fact]
    public async Task A_flood_of_connections_from_one_address_is_cut_to_its_limit_and_leaves_the_cli_working()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"http://127.0.0.1:{port}");
        var flood = new List<Socket>();
        try
        {
            using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                for (var i = 0; i < Flood; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    flood.Add(socket);
                    try
                    {
                        await socket.ConnectAsync(IPAddress.Loopback, port, limit.Token);
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
                    {
                        // Refused by the host even before the connect returned.
                    }
                }
            }

            var cli = Stopwatch.StartNew();
            var info = await NubeCli.RunAsync(host, null, TimeSpan.FromSeconds(30), "host", "info", "--json");
            cli.Stop();
            output.WriteLine($"nube host info during the flood took {cli.Elapsed.TotalMilliseconds:F0} ms");
            Assert.True(info.ExitCode == 0, info.Stderr);
            Assert.InRange(cli.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
            Assert.Equal(Flood - ConnectionLimits.PerAddress, await ClosedByTheHostAsync(flood, Flood - ConnectionLimits.PerAddress));
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }

        // Once the flood ends, its places are free again.
        using var api = RemoteApi.Loopback(port);
        for (var deadline = Stopwatch.StartNew(); ; await Task.Delay(100))
        {
            try
            {
                using var response = await api.GetAsync("api/v1/host");
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                break;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                // The host has not yet seen every flood connection end.
            }
        }
        Assert.Contains($"Refused TCP connections over the limits ({ConnectionLimits.PerAddress} per address, {ConnectionLimits.Total} in all), " +
            "the first from 127.0.0.1", host.Log);
    }

    /// <summary>How many of the connections the host closed, waiting (bounded) until at least <paramref name="expected"/> are.</summary>
    private static async Task<int> ClosedByTheHostAsync(List<Socket> sockets, int expected)
    {
        var closed = 0;
        for (var deadline = Stopwatch.StartNew(); deadline.Elapsed < TimeSpan.FromSeconds(15); await Task.Delay(200))
        {
            closed = sockets.Count(Closed);
            if (closed >= expected)
                break;
        }
        // A moment more: none of the connections within the limit may be closed.
        await Task.Delay(500);
        return sockets.Count(Closed);
    }

    /// <summary>Readable with nothing to read (or reset): the peer closed it.</summary>
    private static bool Closed(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0 && socket.Receive(new byte[1], SocketFlags.Peek) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
