using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Nube.Contracts.Auth;

namespace Nube.Service.Api;

/// <summary>
/// The OpenAPI description of the API, served at <see cref="Path"/> behind the same gate as every
/// other <c>/api/</c> route. Its operations come from the route table (<see cref="ApiRoutes"/>) with
/// the names, summaries and response types each route declares (<see cref="ApiDescription"/>); this
/// adds the title, the version and the ways in: a bearer token, or the session cookie with its
/// CSRF header for a change, or the root-only UNIX socket, which needs nothing.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/api/v1/openapi.json";

    private const string Bearer = "bearer";
    private const string Session = "session";
    private const string Csrf = "csrf";

    /// <summary>The route values the API's paths share, described once.</summary>
    private static readonly Dictionary<string, string> PathParameters = new(StringComparer.Ordinal)
    {
        ["vm"] = "The VM's name or id.",
        ["id"] = "The id, as the list or the creating request gave it.",
        ["name"] = "The user's name.",
        ["service"] = $"The integration service: {string.Join(", ", Nube.Core.Serialization.EnumWords.All<Nube.Core.Integration.IntegrationService>())}.",
    };

    private static readonly string Version = typeof(ApiDocument).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private const string Introduction =
        "The API of nubed, Nube's host service: VMs, their jobs and devices, the host, users and tokens.\n\n" +
        "**Where.** nubed serves the API on its UNIX socket (`/run/nube/nubed.sock` by default) and, once remote " +
        "management is on, on its TCP listener.\n\n" +
        "**Authentication.** On the UNIX socket, none: the socket's file mode admits root only. Over TCP, every " +
        "request but the sign-in (`POST /api/v1/session`) carries either an API token as `Authorization: Bearer <secret>` " +
        "(`nube token create`) or the web console's session cookie (`" + AuthNames.SecureSessionCookie + "` over TLS, `" +
        AuthNames.SessionCookie + "` over plain HTTP on loopback); with the cookie, a change (any method but GET and HEAD) " +
        "also carries the session's CSRF token in `" + AuthNames.CsrfHeader + "`.\n\n" +
        "**Jobs.** A long operation (start, stop, save, a file copy, a package update) answers 202 with its job at once, " +
        "or waits up to `?wait` seconds and answers 200 with the job that completed, or the job's problem if it failed. " +
        "`GET /api/v1/jobs/{id}?wait=` waits on.\n\n" +
        "**Errors** are RFC 9457 problem documents (`application/problem+json`); a request refused for what it sent " +
        "names each field in `errors`.";

    /// <summary>For <c>AddOpenApi</c>: the document's title, version and security, and each operation's credentials.</summary>
    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var method = context.Description.HttpMethod ?? "GET";
            operation.Security = metadata.OfType<IAllowAnonymous>().Any() ? [] : Credentials(context.Document!, method);
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                parameter.Description ??= parameter.In == ParameterLocation.Path ? PathParameters.GetValueOrDefault(parameter.Name ?? "") : null;
            // The generator names a status ("Conflict"); a route's own words for it (ApiDescription.Answers) say more.
            foreach (var answer in metadata.OfType<IProducesResponseTypeMetadata>().Where(m => m.Description is not null))
            {
                if (operation.Responses?.TryGetValue(answer.StatusCode.ToString(CultureInfo.InvariantCulture), out var response) == true)
                    response.Description = answer.Description;
            }
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, _, _) =>
        {
            NumbersAsNumbers(schema);
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// The API reads a number written as a string too (System.Text.Json's web defaults), but it
    /// writes numbers, and numbers are what a client should send: the document says number only.
    /// </summary>
    private static void NumbersAsNumbers(OpenApiSchema schema)
    {
        const JsonSchemaType numeric = JsonSchemaType.Integer | JsonSchemaType.Number;
        if (schema.Type is { } type && (type & numeric) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo { Title = "Nube API", Version = Version, Description = Introduction };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
        {
            [Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer",
                Description = "An API token's secret (`nube token create`, or the legacy token file's), over TCP.",
            },
            [Session] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = AuthNames.SecureSessionCookie,
                Description = $"The web console's session, from `POST /api/v1/session`: `{AuthNames.SecureSessionCookie}` over TLS, " +
                    $"`{AuthNames.SessionCookie}` over plain HTTP on loopback.",
            },
            [Csrf] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = AuthNames.CsrfHeader,
                Description = "The session's CSRF token (`csrfToken` of the sign-in's answer): a change made with the session cookie needs it.",
            },
        };
    }

    /// <summary>A bearer token, or the session cookie (with its CSRF token for a change).</summary>
    private static List<OpenApiSecurityRequirement> Credentials(OpenApiDocument document, string method)
    {
        var session = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Session, document)] = [] };
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
            session[new OpenApiSecuritySchemeReference(Csrf, document)] = [];
        return [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] }, session];
    }
}
