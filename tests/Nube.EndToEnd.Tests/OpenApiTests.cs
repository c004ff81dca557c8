using System.Net;
using System.Text.Json;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// The OpenAPI document that nubed serves against the route table nubed maps: a route added
/// without being described, or a description left behind by a route that went, fails here.
/// </summary>
public sealed class OpenApiTests(ITestOutputHelper output)
{
    private const string DocumentPath = "api/v1/openapi.json";
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    [Fact]
    public async Task The_document_describes_every_route_of_the_route_table_and_no_other()
    {
        await using var host = await NubedHost.StartAsync(output);
        using var http = host.RawHttp();
        using var response = await http.GetAsync(DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;

        var operations = Operations(root).ToList();
        var documented = operations.Select(o => $"{o.Method} {o.Path}").ToHashSet(StringComparer.Ordinal);
        var routes = RouteTable.Api().Select(r => r.ToString()).ToHashSet(StringComparer.Ordinal);
        var missing = routes.Except(documented).Order(StringComparer.Ordinal).ToList();
        var extra = documented.Except(routes).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"Routes the document leaves out: {string.Join(", ", missing)}. Operations the route table does not have: {string.Join(", ", extra)}.");
        Assert.Equal(routes.Count, operations.Count);

        var undescribed = operations.Where(o => !HasText(o.Operation, "summary") || !HasText(o.Operation, "operationId"))
            .Select(o => $"{o.Method} {o.Path}").ToList();
        Assert.True(undescribed.Count == 0, $"Operations without a summary or an operationId: {string.Join(", ", undescribed)}.");
        var ids = operations.Select(o => o.Operation.GetProperty("operationId").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());

        Assert.Equal("Nube API", root.GetProperty("info").GetProperty("title").GetString());
        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal(["bearer", "csrf", "session"], schemes.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("__Host-nube_session", schemes.GetProperty("session").GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_document_names_each_vm_operation_with_its_parameters_and_answers()
    {
        await using var host = await NubedHost.StartAsync(output);
        using var http = host.RawHttp();
        using var document = JsonDocument.Parse(await http.GetStringAsync(DocumentPath));
        var paths = document.RootElement.GetProperty("paths");

        foreach (var operation in new[] { "start", "stop", "turn-off", "pause", "resume", "save" })
        {
            var post = paths.GetProperty($"/api/v1/vms/{{vm}}/{operation}").GetProperty("post");
            var query = post.GetProperty("parameters").EnumerateArray()
                .Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()).ToList();
            Assert.Equal(operation == "start" ? ["wait", "agentWait"] : ["wait"], query);
            var responses = post.GetProperty("responses");
            foreach (var status in new[] { "200", "202" })
                Assert.Equal("#/components/schemas/JobInfo",
                    responses.GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
            Assert.True(responses.GetProperty("409").GetProperty("content").TryGetProperty("application/problem+json", out _));
        }
        Assert.Equal("Start a VM", paths.GetProperty("/api/v1/vms/{vm}/start").GetProperty("post").GetProperty("summary").GetString());
        // A body read by the handler itself, not bound by a parameter, is described all the same.
        Assert.Equal("#/components/schemas/VmSettings", paths.GetProperty("/api/v1/vms").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        // The sign-in is the one operation that needs no credentials.
        Assert.Equal(0, paths.GetProperty("/api/v1/session").GetProperty("post").GetProperty("security").GetArrayLength());
    }

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(item => Methods.Contains(item.Name, StringComparer.Ordinal))
            .Select(item => (item.Name.ToUpperInvariant(), path.Name, item.Value)));

    private static bool HasText(JsonElement operation, string property) =>
        operation.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Trim().Length > 0;
}
