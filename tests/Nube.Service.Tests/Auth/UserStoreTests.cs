using Nube.Core.Serialization;
using Nube.Core.Validation;
using Nube.Service.Auth;

namespace Nube.Service.Tests.Auth;

public sealed class UserStoreTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("nube-users-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Users_are_kept_for_root_only_with_their_password_hashed()
    {
        var store = new UserStore(dir, TimeProvider.System);
        await store.AddAsync("alice", "correct horse", CancellationToken.None);

        var path = Path.Combine(dir, "users.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var text = await File.ReadAllTextAsync(path);
        Assert.DoesNotContain("correct horse", text);
        Assert.Contains("\"schemaVersion\": 1", text);

        var again = new UserStore(dir, TimeProvider.System);
        Assert.Equal("alice", again.Verify("alice", "correct horse")?.Name);
        Assert.Null(again.Verify("alice", "wrong horse"));
        Assert.Null(again.Verify("bob", "correct horse"));
    }

    [Fact]
    public async Task A_new_user_is_checked_whole_against_the_users_there_are()
    {
        var store = new UserStore(dir, TimeProvider.System);
        await store.AddAsync("alice", "correct horse", CancellationToken.None);

        var e = await Assert.ThrowsAsync<ValidationException>(() => store.AddAsync("alice", "short", CancellationToken.None));
        Assert.Equal(["name: 'alice' is already a user", "password: has 5 characters; a password needs 8 to 1024 characters"],
            e.Errors.Select(x => x.Message));
        Assert.Single(store.All);
    }

    [Fact]
    public async Task A_new_password_replaces_the_old_one()
    {
        var store = new UserStore(dir, TimeProvider.System);
        var before = await store.AddAsync("alice", "correct horse", CancellationToken.None);

        var after = await store.SetPasswordAsync("alice", "battery staple", CancellationToken.None);

        Assert.NotEqual(before.PasswordHash, after!.PasswordHash);
        Assert.Null(store.Verify("alice", "correct horse"));
        Assert.NotNull(store.Verify("alice", "battery staple"));
        Assert.Null(await store.SetPasswordAsync("nobody", "battery staple", CancellationToken.None));
    }

    [Fact]
    public async Task A_file_from_a_newer_nube_is_refused_by_name()
    {
        await File.WriteAllTextAsync(Path.Combine(dir, "users.json"), """{"schemaVersion": 2, "users": []}""");
        var e = Assert.Throws<ConfigDocumentException>(() => new UserStore(dir, TimeProvider.System));
        Assert.Equal($"{dir}/users.json: schemaVersion 2 is newer than this Nube understands (up to 1); upgrade Nube to use it.", e.Message);
    }
}
