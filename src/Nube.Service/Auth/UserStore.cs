using System.Collections.Immutable;
using Nube.Contracts.Auth;
using Nube.Core.Serialization;
using Nube.Core.Validation;

namespace Nube.Service.Auth;

/// <summary>
/// The users of the web console and the API, in <c>&lt;data&gt;/users.json</c> (0600). Every user
/// is an administrator of the host. Hashing a password takes a noticeable fraction of a second
/// by design, so it is done before the file's lock is taken.
/// </summary>
public sealed class UserStore
{
    private readonly SecretListFile<StoredUser> file;
    private readonly TimeProvider time;
    /// <summary>What an unknown user's password is checked against, so that it takes as long as a known one's.</summary>
    private readonly Lazy<string> decoy = new(() => PasswordHash.Hash("no such user"));

    public UserStore(string dataDirectory, TimeProvider time)
    {
        var path = Path.Combine(dataDirectory, "users.json");
        file = new SecretListFile<StoredUser>(path,
            json => ConfigDocument.Parse<UserDocument>(json, UserDocument.CurrentSchemaVersion, path).Users,
            users => ConfigDocument.Write(new UserDocument { Users = users }));
        this.time = time;
    }

    public ImmutableArray<StoredUser> All => file.Items;

    public StoredUser? Find(string name) => file.Items.FirstOrDefault(u => u.Name == name);

    public async Task<StoredUser> AddAsync(string name, string password, CancellationToken ct)
    {
        Check(UserRules.CheckNew(name, password, All.Select(u => u.Name)));
        var user = new StoredUser { Name = name, PasswordHash = PasswordHash.Hash(password), CreatedAt = time.GetUtcNow() };
        return await file.ChangeAsync(users =>
        {
            // Checked again under the lock: another request may have added the same name meanwhile.
            Check(UserRules.CheckNew(name, password, users.Select(u => u.Name)));
            return (users.Add(user), user);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Removes a user; null when there was none of that name.</summary>
    public Task<StoredUser?> RemoveAsync(string name, CancellationToken ct) =>
        file.ChangeAsync(users => users.FirstOrDefault(u => u.Name == name) is { } user
            ? (users.Remove(user), user)
            : (users, (StoredUser?)null), ct);

    /// <summary>Gives a user a new password; null when there is no such user.</summary>
    public async Task<StoredUser?> SetPasswordAsync(string name, string password, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        UserRules.CheckPassword("password", password, errors);
        Check(errors);
        var hash = PasswordHash.Hash(password);
        return await file.ChangeAsync(users => users.FirstOrDefault(u => u.Name == name) is { } user
            ? Replace(users, user, user with { PasswordHash = hash })
            : (users, null), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The user whose name and password these are, or null. Wrong names and wrong passwords take
    /// the same time, so that timing does not tell which user names exist.
    /// </summary>
    public StoredUser? Verify(string name, string password)
    {
        var user = Find(name);
        var matches = PasswordHash.Verify(password, user?.PasswordHash ?? decoy.Value);
        return matches ? user : null;
    }

    public Task RecordSignInAsync(string name, CancellationToken ct) =>
        file.ChangeAsync(users => users.FirstOrDefault(u => u.Name == name) is { } user
            ? Replace(users, user, user with { LastSignInAt = time.GetUtcNow() })
            : (users, null), ct);

    public static UserInfo ToInfo(StoredUser user) =>
        new() { Name = user.Name, CreatedAt = user.CreatedAt, LastSignInAt = user.LastSignInAt };

    private static (ImmutableArray<StoredUser>, StoredUser?) Replace(ImmutableArray<StoredUser> users, StoredUser old, StoredUser next) =>
        (users.Replace(old, next), next);

    private static void Check(IReadOnlyList<ValidationError> errors)
    {
        if (errors.Count > 0)
            throw new ValidationException(errors);
    }
}
