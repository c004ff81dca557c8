using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

/// <summary>The typed QMP commands beyond the core protocol: exact requests, replies and errors.</summary>
public sealed class QmpClientCommandTests
{
    [Theory]
    [InlineData("""{"enabled": true, "present": true}""", true, true)]
    [InlineData("""{"enabled": false, "present": true}""", false, true)]
    [InlineData("""{"present": false, "enabled": false, "future-field": 1}""", false, false)]
    public async Task QueryKvm_sends_query_kvm_and_reads_enabled_and_present(string reply, bool enabled, bool present)
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<KvmInfo> querying = client.QueryKvmAsync();
        Assert.Equal("""{"execute":"query-kvm","id":2}""", await peer.ReceiveLineAsync());
        await peer.ReplyAsync(2, reply);

        Assert.Equal(new KvmInfo { Enabled = enabled, Present = present }, await querying);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task QueryKvm_refuses_a_reply_without_both_fields()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<KvmInfo> querying = client.QueryKvmAsync();
        await peer.ReplyAsync(await peer.ExpectCommandAsync("query-kvm"), """{"enabled": true}""");

        var error = await Assert.ThrowsAsync<QmpProtocolException>(() => querying);
        Assert.StartsWith("QMP reply to 'query-kvm' has an unexpected shape: ", error.Message);
        Assert.Contains("present", error.Message);
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task QueryKvm_passes_on_QEMUs_error()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<KvmInfo> querying = client.QueryKvmAsync();
        long id = await peer.ExpectCommandAsync("query-kvm");
        await peer.SendLineAsync($$"""{"error": {"class": "CommandNotFound", "desc": "The command query-kvm has not been found"}, "id": {{id}}}""");

        var error = await Assert.ThrowsAsync<QmpCommandException>(() => querying);
        Assert.Equal("QMP command 'query-kvm' failed: CommandNotFound: The command query-kvm has not been found", error.Message);
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task MigrateCancel_sends_migrate_cancel_without_arguments()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task cancelling = client.MigrateCancelAsync();
        Assert.Equal("""{"execute":"migrate_cancel","id":2}""", await peer.ReceiveLineAsync());
        await peer.ReplyAsync(2);
        await cancelling;

        // The migration then ends as cancelled, which WaitForMigrationAsync reports.
        Task<MigrationInfo> waiting = client.WaitForMigrationAsync(TimeSpan.FromSeconds(5));
        await peer.ReplyAsync(await peer.ExpectCommandAsync("query-migrate"), """{"status": "cancelling"}""");
        await peer.ReplyAsync(await peer.ExpectCommandAsync("query-migrate"), """{"status": "cancelled"}""");
        var error = await Assert.ThrowsAsync<QmpCommandException>(() => waiting);
        Assert.Equal("QMP command 'migrate' failed: MigrationFailed: the migration was cancelled", error.Message);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task MigrateCancel_passes_on_QEMUs_error()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task cancelling = client.MigrateCancelAsync();
        long id = await peer.ExpectCommandAsync("migrate_cancel");
        await peer.SendLineAsync($$"""{"error": {"class": "GenericError", "desc": "Migration is not running"}, "id": {{id}}}""");

        var error = await Assert.ThrowsAsync<QmpCommandException>(() => cancelling);
        Assert.Equal("QMP command 'migrate_cancel' failed: GenericError: Migration is not running", error.Message);
        Assert.Equal(("migrate_cancel", "GenericError", "Migration is not running"), (error.Command, error.ErrorClass, error.Desc));
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Screendump_asks_for_a_png_at_the_given_path()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task dumping = client.ScreendumpAsync("/run/nube/vms/x/screen/a,b.png");
        Assert.Equal("""{"execute":"screendump","arguments":{"filename":"/run/nube/vms/x/screen/a,b.png","format":"png"},"id":2}""",
            await peer.ReceiveLineAsync());
        await peer.ReplyAsync(2);
        await dumping;
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Screendump_passes_on_QEMUs_error_and_refuses_an_empty_path()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => client.ScreendumpAsync(""));
        Task dumping = client.ScreendumpAsync("/run/nube/vms/x/screen/1.png");
        long id = await peer.ExpectCommandAsync("screendump");
        await peer.SendLineAsync($$"""{"error": {"class": "GenericError", "desc": "Could not open '/run/nube/vms/x/screen/1.png': Permission denied"}, "id": {{id}}}""");

        var error = await Assert.ThrowsAsync<QmpCommandException>(() => dumping);
        Assert.Equal("QMP command 'screendump' failed: GenericError: Could not open '/run/nube/vms/x/screen/1.png': Permission denied", error.Message);
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
    }
}
