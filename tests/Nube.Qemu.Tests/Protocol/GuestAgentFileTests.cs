using System.Net;
using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

/// <summary>guest-file-*, guest-exec and guest-network-get-interfaces against a scripted agent, hostile replies included.</summary>
public sealed class GuestAgentFileTests
{
    [Fact]
    public async Task A_file_is_opened_written_read_and_closed_with_the_agents_argument_names()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var open = client.OpenFileAsync("/var/lib/nube/kvp/host/site", "w");
        await peer.ExpectRequestAsync("""{"execute":"guest-file-open","arguments":{"path":"/var/lib/nube/kvp/host/site","mode":"w"}}""");
        await peer.AnswerAsync("""{"return": 1000}""");
        Assert.Equal(1000, await open);

        var write = client.WriteFileAsync(1000, "berlin"u8.ToArray());
        await peer.ExpectRequestAsync("""{"execute":"guest-file-write","arguments":{"handle":1000,"buf-b64":"YmVybGlu"}}""");
        await peer.AnswerAsync("""{"return": {"count": 6, "eof": false}}""");
        Assert.Equal(6, await write);

        var read = client.ReadFileAsync(1000, 2049);
        await peer.ExpectRequestAsync("""{"execute":"guest-file-read","arguments":{"handle":1000,"count":2049}}""");
        await peer.AnswerAsync("""{"return": {"count": 6, "buf-b64": "YmVybGlu", "eof": true}}""");
        var chunk = await read;
        Assert.Equal("berlin"u8.ToArray(), chunk.Bytes);
        Assert.True(chunk.Eof);

        var close = client.CloseFileAsync(1000);
        await peer.ExpectRequestAsync("""{"execute":"guest-file-close","arguments":{"handle":1000}}""");
        await peer.AnswerAsync("""{"return": {}}""");
        await close;
        await client.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"return": {"count": 3, "buf-b64": "YmVybGlu", "eof": true}}""", "guest agent's guest-file-read reply holds 6 bytes, says 3, and 4 were asked for")]
    [InlineData("""{"return": {"count": 6, "buf-b64": "YmVybGlu", "eof": true}}""", "guest agent's guest-file-read reply holds 6 bytes, says 6, and 4 were asked for")]
    [InlineData("""{"return": {"count": 6, "buf-b64": "not base64!", "eof": true}}""", "guest agent sent invalid base64 in reply to 'guest-file-read'")]
    public async Task A_read_reply_that_lies_about_its_bytes_is_refused_and_the_channel_stays_usable(string reply, string message)
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var read = client.ReadFileAsync(7, 4);
        await peer.ExpectRequestAsync("""{"execute":"guest-file-read","arguments":{"handle":7,"count":4}}""");
        await peer.AnswerAsync(reply);
        var e = await Assert.ThrowsAsync<GuestAgentProtocolException>(() => read);
        Assert.Equal(message, e.Message);

        // The reply was read whole: the next command goes out without a new sync.
        var ping = client.PingAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await peer.AnswerAsync("""{"return": {}}""");
        await ping;
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_write_the_agent_claims_larger_than_sent_is_refused()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var write = client.WriteFileAsync(7, new byte[3]);
        await peer.ExpectRequestAsync("""{"execute":"guest-file-write","arguments":{"handle":7,"buf-b64":"AAAA"}}""");
        await peer.AnswerAsync("""{"return": {"count": 4, "eof": false}}""");
        Assert.Equal("guest agent says it wrote 4 bytes of 3", (await Assert.ThrowsAsync<GuestAgentProtocolException>(() => write)).Message);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_program_runs_with_its_arguments_untouched_and_its_output_decoded()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var exec = client.ExecAsync("sh", ["-c", "rm -f -- \"$1\"", "nube-kvp-remove", "/a b/'c'"]);
        await peer.ExpectRequestAsync("""{"execute":"guest-exec","arguments":{"path":"sh","arg":["-c","rm -f -- \"$1\"","nube-kvp-remove","/a b/'c'"],"capture-output":true}}""");
        await peer.AnswerAsync("""{"return": {"pid": 812}}""");
        Assert.Equal(812, await exec);

        var running = client.GetExecStatusAsync(812);
        await peer.ExpectRequestAsync("""{"execute":"guest-exec-status","arguments":{"pid":812}}""");
        await peer.AnswerAsync("""{"return": {"exited": false}}""");
        Assert.False((await running).Exited);

        var ended = client.GetExecStatusAsync(812);
        await peer.ExpectRequestAsync("""{"execute":"guest-exec-status","arguments":{"pid":812}}""");
        await peer.AnswerAsync("""{"return": {"exited": true, "exitcode": 3, "out-data": "b2sK", "err-data": "bm8K"}}""");
        var status = await ended;
        Assert.Equal((true, 3, (int?)null, "ok\n", "no\n", false),
            (status.Exited, status.ExitCode, status.Signal, System.Text.Encoding.UTF8.GetString(status.Output), System.Text.Encoding.UTF8.GetString(status.Error), status.Truncated));

        var nonsense = client.GetExecStatusAsync(812);
        await peer.ExpectRequestAsync("""{"execute":"guest-exec-status","arguments":{"pid":812}}""");
        await peer.AnswerAsync("""{"return": {"exited": true}}""");
        Assert.Equal("guest agent says the program exited, with neither an exit code nor a signal",
            (await Assert.ThrowsAsync<GuestAgentProtocolException>(() => nonsense)).Message);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Network_interfaces_keep_what_parses_and_drop_what_is_made_up()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var interfaces = client.GetNetworkInterfacesAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-network-get-interfaces"}""");
        var many = string.Join(',', Enumerable.Range(0, 40).Select(i => $$"""{"ip-address-type":"ipv4","ip-address":"10.0.0.{{i}}","prefix":8}"""));
        await peer.AnswerAsync($$"""
            {"return": [
              {"name": "lo", "ip-addresses": [{"ip-address-type": "ipv4", "ip-address": "127.0.0.1", "prefix": 8}]},
              {"name": "eth\u001b[2J0", "hardware-address": "52:54:00:12:34:56", "ip-addresses": [
                {"ip-address-type": "ipv4", "ip-address": "192.0.2.10", "prefix": 24},
                {"ip-address-type": "ipv6", "ip-address": "fe80::1", "prefix": 64},
                {"ip-address-type": "ipv4", "ip-address": "fe80::2", "prefix": 64},
                {"ip-address-type": "ipv4", "ip-address": "192.0.2.11", "prefix": 33},
                {"ip-address-type": "ipv4", "ip-address": "not an address", "prefix": 24},
                {"ip-address-type": "ipv4", "ip-address": 17, "prefix": 24},
                "garbage"]},
              {"ip-addresses": []},
              {"name": 5},
              7,
              {"name": "many", "ip-addresses": [{{many}}]},
              {"name": "bare"}
            ]}
            """.ReplaceLineEndings(" "));

        var seen = await interfaces;
        Assert.Equal(["lo", "eth?[2J0", "many", "bare"], seen.Select(i => i.Name));
        Assert.Equal(["192.0.2.10/24", "fe80::1/64"], seen[1].Addresses.Select(a => a.ToString()));
        Assert.Equal(GuestAgentClient.MaxAddressesPerInterface, seen[2].Addresses.Count);
        Assert.Equal(IPAddress.Parse("10.0.0.31"), seen[2].Addresses[^1].Address);
        Assert.Empty(seen[3].Addresses);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Interface_counters_and_mac_addresses_are_taken_only_when_whole_and_sane()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var interfaces = client.GetNetworkInterfacesAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-network-get-interfaces"}""");
        await peer.AnswerAsync("""
            {"return": [
              {"name": "eth0", "hardware-address": "52:54:00:AB:34:56",
               "statistics": {"rx-bytes": 1000, "tx-bytes": 2000, "rx-packets": 10, "tx-packets": 20, "rx-errs": 0}},
              {"name": "eth1", "hardware-address": "52:54:00:12:34", "statistics": {"rx-bytes": -5, "tx-bytes": 2, "rx-packets": 1, "tx-packets": 1}},
              {"name": "eth2", "hardware-address": "zz:54:00:12:34:56", "statistics": {"rx-bytes": 5, "tx-bytes": "2", "rx-packets": 1, "tx-packets": 1}},
              {"name": "eth3", "statistics": [1, 2]}
            ]}
            """.ReplaceLineEndings(" "));

        var seen = await interfaces;
        Assert.Equal("52:54:00:ab:34:56", seen[0].MacAddress);
        Assert.Equal(new GuestInterfaceCounters(1000, 2000, 10, 20), seen[0].Counters);
        Assert.All(seen.Skip(1), i => Assert.Null(i.Counters));
        Assert.All(seen.Skip(1), i => Assert.Null(i.MacAddress));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_network_reply_that_is_not_a_list_is_refused()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var interfaces = client.GetNetworkInterfacesAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-network-get-interfaces"}""");
        await peer.AnswerAsync("""{"return": {"name": "eth0"}}""");
        Assert.Equal("guest agent's guest-network-get-interfaces reply is not a list",
            (await Assert.ThrowsAsync<GuestAgentProtocolException>(() => interfaces)).Message);
        await client.DisposeAsync();
    }
}
