using System.Net;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Every API route, as nubed maps them, against the authentication rules over TCP.</summary>
public sealed class RouteAuthTests(ITestOutputHelper output)
{
    private static readonly IReadOnlyList<RouteTable.Route> Routes = RouteTable.Api();

    [Fact]
    public void The_route_table_is_the_whole_api()
    {
        foreach (var route in Routes)
            output.WriteLine(route.ToString());
        // The API's own, and Prometheus's, which is authenticated as the API is.
        Assert.All(Routes, r => Assert.True(r.Pattern.StartsWith("/api/v1/", StringComparison.Ordinal) || r.Pattern == "/metrics", r.ToString()));
        // A few that must be there, so that an empty or partial table cannot pass the tests below.
        Assert.Contains(new RouteTable.Route("POST", "/api/v1/vms"), Routes);
        Assert.Contains(new RouteTable.Route("DELETE", "/api/v1/vms/{vm}"), Routes);
        Assert.Contains(new RouteTable.Route("PATCH", "/api/v1/host"), Routes);
        Assert.Contains(new RouteTable.Route("POST", "/api/v1/session"), Routes);
        Assert.Contains(new RouteTable.Route("DELETE", "/api/v1/users/{name}"), Routes);
        Assert.Contains(new RouteTable.Route("POST", "/api/v1/tokens"), Routes);
        Assert.Contains(new RouteTable.Route("GET", "/api/v1/vms/{vm}/console"), Routes);
        Assert.Contains(new RouteTable.Route("GET", "/metrics"), Routes);
        Assert.True(Routes.Count(r => r.ChangesState) >= 15, $"only {Routes.Count(r => r.ChangesState)} state-changing routes");
    }

    [Fact]
    public async Task Every_route_but_sign_in_refuses_a_request_without_credentials_and_every_change_one_without_its_csrf_token()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"http://127.0.0.1:{port}");
        await host.Client.AddUserAsync("alice", "correct horse");
        using var api = RemoteApi.Loopback(port);
        var alice = await api.SignInAsync("alice", "correct horse");
        var signIn = new RouteTable.Route("POST", "/api/v1/session");

        var wrong = new List<string>();
        foreach (var route in Routes.Where(r => r != signIn))
        {
            using var anonymous = await api.SendAsync(new HttpMethod(route.Method), route.Path());
            if (anonymous.StatusCode != HttpStatusCode.Unauthorized)
                wrong.Add($"{route} without credentials: {(int)anonymous.StatusCode}");
            if (!route.ChangesState)
                continue;
            using var noCsrf = await api.SendAsync(new HttpMethod(route.Method), route.Path(), alice.WithoutCsrf);
            if (noCsrf.StatusCode != HttpStatusCode.Forbidden)
                wrong.Add($"{route} with the cookie but no CSRF token: {(int)noCsrf.StatusCode}");
            using var badCsrf = await api.SendAsync(new HttpMethod(route.Method), route.Path(), alice.WithoutCsrf with { Csrf = "not-the-token" });
            if (badCsrf.StatusCode != HttpStatusCode.Forbidden)
                wrong.Add($"{route} with the cookie and a wrong CSRF token: {(int)badCsrf.StatusCode}");
        }

        // The OpenAPI document (mapped beside the routes, not among them) is behind the gate too.
        using var document = await api.GetAsync("api/v1/openapi.json");
        if (document.StatusCode != HttpStatusCode.Unauthorized)
            wrong.Add($"GET /api/v1/openapi.json without credentials: {(int)document.StatusCode}");
        using var signedInDocument = await api.GetAsync("api/v1/openapi.json", alice.WithoutCsrf);
        if (signedInDocument.StatusCode != HttpStatusCode.OK)
            wrong.Add($"GET /api/v1/openapi.json signed in: {(int)signedInDocument.StatusCode}");

        Assert.Empty(wrong);
        // Nothing of that reached a route: the host is as it was, and the session still works.
        Assert.Empty(await host.Client.ListVmsAsync());
        Assert.Single(await host.Client.ListUsersAsync());
        using var still = await api.GetAsync("api/v1/session", alice.WithoutCsrf);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }
}
