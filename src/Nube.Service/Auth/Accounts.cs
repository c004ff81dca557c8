using Nube.Contracts.Auth;
using Nube.Core.Validation;

namespace Nube.Service.Auth;

/// <summary>
/// Changes to users and tokens that reach beyond one file: a removed user's tokens and sessions
/// end with it, a new password ends the user's other sessions. These run to their end even when
/// the request that asked goes away, since half of one would leave a credential alive.
/// </summary>
public sealed class Accounts(UserStore users, TokenStore tokens, SessionStore sessions)
{
    public async Task<StoredUser> AddUserAsync(NewUserRequest request, CancellationToken ct)
    {
        var user = await users.AddAsync(request.Name, request.Password, ct).ConfigureAwait(false);
        // Tokens a removed user of the same name left behind (nubed stopped between the two writes) are not this user's.
        await tokens.RevokeAllOfAsync(user.Name, CancellationToken.None).ConfigureAwait(false);
        return user;
    }

    /// <summary>Removes a user with its tokens and sessions; null when there is no such user.</summary>
    public async Task<StoredUser?> RemoveUserAsync(string name)
    {
        var user = await users.RemoveAsync(name, CancellationToken.None).ConfigureAwait(false);
        if (user is null)
            return null;
        await tokens.RevokeAllOfAsync(name, CancellationToken.None).ConfigureAwait(false);
        sessions.EndAllOf(name);
        return user;
    }

    /// <summary>
    /// Gives a user a new password and ends its sessions but <paramref name="asking"/> (a user
    /// changing its own password stays signed in); its API tokens stay, being credentials of
    /// their own that 'nube token revoke' ends. Null when there is no such user.
    /// </summary>
    public async Task<StoredUser?> SetPasswordAsync(string name, string password, Session? asking, CancellationToken ct)
    {
        var user = await users.SetPasswordAsync(name, password, ct).ConfigureAwait(false);
        if (user is not null)
            sessions.EndAllOf(name, asking);
        return user;
    }

    /// <summary>Makes a token for the named user, or for <paramref name="caller"/>'s when none is named.</summary>
    public async Task<(StoredToken Token, string Secret)> CreateTokenAsync(NewTokenRequest request, Caller caller, CancellationToken ct)
    {
        var userName = request.UserName ?? caller.UserName;
        var errors = TokenRules.Check(request.Name, request.ExpiresInDays, userName, users.All.Select(u => u.Name));
        if (errors.Count > 0)
            throw new ValidationException(errors);
        return await tokens.CreateAsync(request.Name, userName!, request.ExpiresInDays, ct).ConfigureAwait(false);
    }
}
