using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Nube.Core.Validation;

namespace Nube.Service.Api;

/// <summary>
/// Reads a request's JSON body into a contract type, or refuses it naming the field: JSON that
/// does not parse (where it breaks), a value of the wrong kind, null or missing where a value is
/// needed, a field the type does not have. Every refusal is Nube's own sentence (see
/// <see cref="JsonBodyErrors"/>), never a parser's exception text. Kestrel bounds the body
/// (<see cref="Limit"/>, the sign-in's <see cref="SignInLimit"/>); a larger one is refused with 413.
/// </summary>
public static class JsonBody
{
    /// <summary>Any JSON body: the largest request document (a VM's settings) is a few KiB.</summary>
    public const long Limit = 1024 * 1024;

    /// <summary>The sign-in: a user name (32 characters) and a password (1024) with room to spare.</summary>
    public const long SignInLimit = 4 * 1024;

    private static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 32 };

    /// <summary>The API's JSON: the contracts' source-generated metadata; a misspelt field is an error, not a setting left at its default.</summary>
    public static void Configure(Microsoft.AspNetCore.Http.Json.JsonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SerializerOptions.TypeInfoResolverChain.Insert(0, Nube.Contracts.ContractsJson.Default);
        options.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
    }

    /// <summary>The body as <typeparamref name="T"/>, read with the API's JSON options (unknown fields refused).</summary>
    public static async Task<T> ReadAsync<T>(HttpContext http) where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var type = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        if (!http.Request.HasJsonContentType())
        {
            var given = http.Request.ContentType ?? "";
            throw new RequestBodyException(StatusCodes.Status415UnsupportedMediaType, new ValidationError("body", given,
                $"body: Content-Type '{given}' is not JSON; send the body as application/json"));
        }
        using var document = await ParseAsync(http);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new ValidationException([JsonBodyErrors.NotA("body", root, "an object")]);
        T? value;
        try
        {
            value = root.Deserialize(type);
        }
        catch (JsonException e)
        {
            throw new ValidationException(JsonBodyErrors.Of(e.Path, root, type));
        }
        var nulls = JsonBodyErrors.Nulls(value!, root, type);
        return nulls.Count > 0 ? throw new ValidationException(nulls) : value!;
    }

    private static async Task<JsonDocument> ParseAsync(HttpContext http)
    {
        try
        {
            return await JsonDocument.ParseAsync(http.Request.Body, Parsing, http.RequestAborted);
        }
        catch (JsonException e)
        {
            var (line, position) = (e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
            throw new ValidationException([line == 0 && position == 0 && http.Request.ContentLength is null or 0
                ? new ValidationError("body", "", "body: missing; send a JSON object")
                : new ValidationError("body", "", $"body: not valid JSON at line {line + 1}, byte {position + 1}")]);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var limit = http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            var length = http.Request.ContentLength;
            throw new RequestBodyException(StatusCodes.Status413PayloadTooLarge, new ValidationError("body", length?.ToString() ?? "",
                $"body: {(length is { } n ? $"{n} bytes exceed" : "larger than")} the limit of {limit} bytes of this request"));
        }
    }
}
