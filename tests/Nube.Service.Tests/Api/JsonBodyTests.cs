using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nube.Contracts.Auth;
using Nube.Contracts.Hosts;
using Nube.Contracts.Vms;
using Nube.Core.Validation;
using Nube.Service.Api;

namespace Nube.Service.Tests.Api;

/// <summary>A request body that cannot be read is refused naming the field, the value and what the field takes.</summary>
public sealed class JsonBodyTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().ConfigureHttpJsonOptions(JsonBody.Configure).BuildServiceProvider();

    private static Task<T> ReadAsync<T>(string body, string contentType = "application/json") where T : class
    {
        var http = new DefaultHttpContext { RequestServices = Services };
        http.Request.ContentType = contentType;
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        http.Request.ContentLength = Encoding.UTF8.GetByteCount(body);
        return JsonBody.ReadAsync<T>(http);
    }

    private static async Task<string[]> RefusedAsync<T>(string body) where T : class =>
        [.. (await Assert.ThrowsAsync<ValidationException>(() => ReadAsync<T>(body))).Errors.Select(e => e.Message)];

    [Theory]
    [InlineData("""{"userName": null, "password": "x"}""", "userName: null is not a string")]
    [InlineData("""{"password": "x"}""", "userName: missing; it takes a string")]
    [InlineData("""{"userName": 5, "password": "x"}""", "userName: 5 is not a string")]
    [InlineData("""{"userName": ["alice"], "password": "x"}""", "userName: [...] is not a string")]
    [InlineData("""{"userName": "alice",""", "body: not valid JSON at line 1, byte 21")]
    [InlineData("", "body: missing; send a JSON object")]
    [InlineData("null", "body: null is not an object")]
    [InlineData("""{"userName": "alice", "password": "x", "admin": true}""",
        "admin: not a field of this request; the fields here are userName, password")]
    public async Task A_sign_in_that_cannot_be_read_names_its_field(string body, string message) =>
        Assert.Equal([message], await RefusedAsync<SignInRequest>(body));

    [Fact]
    public async Task Every_missing_required_field_is_named_at_once() =>
        Assert.Equal(["userName: missing; it takes a string", "password: missing; it takes a string"], await RefusedAsync<SignInRequest>("{}"));

    [Fact]
    public async Task Nested_fields_are_named_by_their_path()
    {
        Assert.Equal(["scsiControllers[0].disks[1].location: \"zero\" is not a whole number"], await RefusedAsync<VmSettings>(
            """{"scsiControllers": [{"disks": [{"location": 0, "path": "/a"}, {"location": "zero", "path": "/b"}]}]}"""));
        Assert.Equal(["remote.port: true is not a whole number"], await RefusedAsync<HostSettings>("""{"remote": {"port": true}}"""));
    }

    [Fact]
    public async Task Nulls_in_lists_and_where_a_value_is_needed_are_all_named()
    {
        Assert.Equal(["storageRoots[1]: null is not a string", "storageRoots[2]: null is not a string"],
            await RefusedAsync<HostSettings>("""{"storageRoots": ["/srv", null, null]}"""));
        Assert.Equal(["scsiControllers[0].disks: null is not an array"],
            await RefusedAsync<VmSettings>("""{"scsiControllers": [{"disks": null}]}"""));
    }

    [Fact]
    public async Task Null_where_the_contract_allows_it_reads_as_absent()
    {
        var settings = await ReadAsync<VmSettings>("""{"name": null, "processorCount": null, "notes": "x"}""");
        Assert.Equal(new VmSettings { Notes = "x" }, settings);
    }

    [Fact]
    public async Task A_long_value_is_cut_short_in_the_message()
    {
        var refused = await RefusedAsync<SignInRequest>($$"""{"userName": {{new string('1', 100)}}, "password": "x"}""");
        Assert.Equal([$"userName: {new string('1', 64)}... is not a string"], refused);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_with_415()
    {
        var e = await Assert.ThrowsAsync<RequestBodyException>(() => ReadAsync<SignInRequest>("userName=alice", "application/x-www-form-urlencoded"));
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, e.Status);
        Assert.Equal("body: Content-Type 'application/x-www-form-urlencoded' is not JSON; send the body as application/json", e.Message);
    }
}
