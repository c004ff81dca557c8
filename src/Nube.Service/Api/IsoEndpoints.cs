using System.ComponentModel;
using Microsoft.AspNetCore.Http.Features;
using Nube.Contracts.Disks;
using Nube.Service.Disks;

namespace Nube.Service.Api;

/// <summary>The ISO library under <c>/api/v1/isos</c>: the <c>isos</c> folder of each storage root.</summary>
public static class IsoEndpoints
{
    private const string NameDescription = "The ISO image's file name: ends in .iso, no slash, no leading dot, at most 200 characters.";

    public static void MapIsoEndpoints(this IEndpointRouteBuilder app)
    {
        var isos = app.MapGroup("/api/v1/isos").WithTags("ISO library");
        isos.MapGet("/", (IsoLibrary library) => library.List())
            .Describe("ListIsos", "List the ISO library", "Every .iso file in the isos folder of each storage root, by name.");
        isos.MapPut("/{name}", async ([Description(NameDescription)] string name,
            [Description("Replace a file of that name (a VM that has it in its DVD drive keeps reading the old one until the disc changes).")] bool? replace,
            HttpContext http, IsoLibrary library, CancellationToken ct) =>
        {
            // The API's 1 MiB bound on bodies is lifted for this route only, to the host's upload limit.
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = library.UploadLimit;
            var iso = await library.UploadAsync(RouteName(name), replace ?? false, http.Request.ContentLength, http.Request.Body, ct);
            return TypedResults.Created($"/api/v1/isos/{Uri.EscapeDataString(iso.Name)}", iso);
        }).Describe("UploadIso", "Upload an ISO image",
            "Streams the body (the image's bytes, application/octet-stream) into the first storage root's isos folder, made on demand, " +
            "under a temporary name renamed into place once whole: a refused or broken upload leaves no file. At most the host's " +
            "isoUploadLimitBytes (413 past it); an existing name is refused (409) unless replace is true.")
            .Accepts(typeof(Stream), "application/octet-stream")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        isos.MapDelete("/{name}", ([Description(NameDescription)] string name,
            [Description("The storage root whose library holds it, when several do.")] string? root, IsoLibrary library, CancellationToken ct) =>
            library.RemoveAsync(RouteName(name), root, ct))
            .Describe("RemoveIso", "Delete an ISO image from the library", "Refused while a VM's DVD drive holds it; the answer is the image as it was.")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }

    /// <summary>Kestrel decodes a path but for %2F: a slash sent encoded is turned back into one, so that the name check sees it.</summary>
    private static string RouteName(string name) => name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
}
