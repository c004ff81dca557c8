using System.Security.Cryptography;
using System.Text;

namespace Nube.Service.Hosting;

/// <summary>
/// Requests over TCP must carry the host's bearer token. The UNIX socket is guarded by its file
/// mode (root only) instead, so requests arriving there need none.
/// </summary>
public sealed class BearerTokenGate(RequestDelegate next, byte[]? token)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var overTcp = http.Connection.LocalIpAddress is not null;
        if (overTcp && !Authorized(http.Request.Headers.Authorization.ToString()))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await http.Response.WriteAsJsonAsync(new Contracts.ApiProblem
            {
                Status = 401, Title = "Unauthorized", Detail = "This host requires 'Authorization: Bearer <token>' over TCP.",
            }, Contracts.ContractsJson.Default.ApiProblem, "application/problem+json");
            return;
        }
        await next(http);
    }

    private bool Authorized(string header)
    {
        const string prefix = "Bearer ";
        if (token is null || !header.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        var given = Encoding.UTF8.GetBytes(header[prefix.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, token);
    }
}
