using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

/// <summary>Everything the agent client returns as text is the guest's word: sanitised before any caller sees it.</summary>
public sealed class GuestAgentUntrustedTextTests
{
    // As JSON text: ESC, a right-to-left override, then 10,000 characters.
    private static readonly string Hostile = @"\u001b[31m7.2\u202e0" + new string('9', 10_000);

    private static readonly string Shown = "?[31m7.2?0" + new string('9', 512 - 10) + "…";

    [Fact]
    public async Task The_agents_version_and_command_names_are_sanitised()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task<GuestInfo> info = client.GetInfoAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-info"}""");
        await peer.AnswerAsync($$$"""{"return": {"version": "{{{Hostile}}}", "supported_commands": [{"enabled": true, "name": "guest-\u2066ping", "success-response": true}]}}""");

        GuestInfo guestInfo = await info;
        Assert.Equal(Shown, guestInfo.Version);
        Assert.Equal(513, guestInfo.Version.Length);
        Assert.Equal([new GuestCommandInfo { Name = "guest-?ping", Enabled = true, SuccessResponse = true }], guestInfo.SupportedCommands);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Every_string_of_the_os_info_is_sanitised()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task<GuestOsInfo> osInfo = client.GetOsInfoAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-get-osinfo"}""");
        await peer.AnswerAsync($$$"""
            {"return": {"kernel-release": "{{{Hostile}}}", "kernel-version": "#1 SMP\u001b]0;owned\u0007", "machine": "x86_64\u200b",
             "id": "deb\u202eian", "name": "\u0085Debian", "pretty-name": "{{{Hostile}}}", "version": "12\u2028(bookworm)",
             "version-id": "\u00ad12", "variant": "\u2067server\u2069", "variant-id": "\u009b2J"}}
            """.ReplaceLineEndings(" "));

        Assert.Equal(new GuestOsInfo
        {
            KernelRelease = Shown,
            KernelVersion = "#1 SMP?]0;owned?",
            Machine = "x86_64?",
            Id = "deb?ian",
            Name = "?Debian",
            PrettyName = Shown,
            Version = "12?(bookworm)",
            VersionId = "?12",
            Variant = "?server?",
            VariantId = "?2J",
        }, await osInfo);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Absent_os_info_fields_stay_absent()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task<GuestOsInfo> osInfo = client.GetOsInfoAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-get-osinfo"}""");
        await peer.AnswerAsync("""{"return": {"id": "debian"}}""");

        Assert.Equal(new GuestOsInfo { Id = "debian" }, await osInfo);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task The_host_name_is_sanitised()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task<string> hostName = client.GetHostNameAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-get-host-name"}""");
        await peer.AnswerAsync($$$"""{"return": {"host-name": "{{{Hostile}}}"}}""");

        Assert.Equal(Shown, await hostName);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Malformed_JSON_from_the_guest_reaches_the_message_only_as_the_parsers_own_words()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task<string> hostName = client.GetHostNameAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-get-host-name"}""");
        await peer.SendRawAsync([.. "{\"return\": "u8, 0x1B, .. "[2J\u202e}\n"u8]);

        var error = await Assert.ThrowsAsync<GuestAgentProtocolException>(() => hostName);
        Assert.Equal(
            "guest agent sent malformed JSON in reply to 'guest-get-host-name': '0x1B' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 11.",
            error.Message);
        await client.DisposeAsync();
    }
}
