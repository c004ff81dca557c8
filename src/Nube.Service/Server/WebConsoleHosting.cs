using Nube.Service.Hosts;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Nube.Service.Server;

/// <summary>
/// Serves the web console's built files (<c>wwwroot</c> beside nubed) on the TCP listener. Every
/// GET outside <c>/api/</c> that names no file gets <c>index.html</c>, so the console's own paths
/// (<c>/vms/{id}/console</c>) load it; hashed assets are cached for a year, index.html is
/// revalidated each time. The UNIX socket serves only the API. The host's <c>webConsole</c>
/// setting is read on each request, so turning it off takes effect at once; the API stays.
/// </summary>
public sealed class WebConsoleHosting(RequestDelegate next, HostRuntime host)
{
    private const string Index = "index.html";
    /// <summary>Vite's output folder of content-hashed files: a changed file gets a new name.</summary>
    private const string HashedAssets = "/assets/";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private readonly string root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
    private PhysicalFileProvider? files;

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (Api.ApiRoutes.Owns(path))
        {
            await next(http);
            return;
        }
        SetSecurityHeaders(http);
        if (http.Connection.LocalIpAddress is null)
        {
            await AnswerAsync(http, StatusCodes.Status404NotFound,
                "nubed's UNIX socket serves only the API under /api/; the web console is on the TCP listener.");
            return;
        }
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            http.Response.Headers.Allow = "GET, HEAD";
            await AnswerAsync(http, StatusCodes.Status405MethodNotAllowed, "The web console's pages only answer GET and HEAD.");
            return;
        }
        if (!host.Config.WebConsole)
        {
            await AnswerAsync(http, StatusCodes.Status404NotFound,
                "The web console is turned off on this host (host setting webConsole); the API under /api/ stays available.");
            return;
        }
        if (Files() is not { } provider)
        {
            await AnswerAsync(http, StatusCodes.Status503ServiceUnavailable,
                $"The web console is not installed: {Path.Combine(root, Index)} is missing; build it with web/build.sh (scripts/build.sh does).");
            return;
        }

        // A last segment with a dot names a file (script, style, icon): it exists, or it is a 404.
        // PhysicalFileProvider refuses paths that leave its root and hidden files.
        var named = Path.HasExtension(path.Value);
        var file = named ? provider.GetFileInfo(path.Value!) : provider.GetFileInfo(Index);
        if (!file.Exists || file.IsDirectory)
        {
            await AnswerAsync(http, StatusCodes.Status404NotFound, $"The web console has no file {path.Value}.");
            return;
        }
        http.Response.Headers.CacheControl = named && path.StartsWithSegments(HashedAssets.TrimEnd('/'))
            ? "public, max-age=31536000, immutable"
            : "no-cache";
        await SendAsync(http, file);
    }

    private PhysicalFileProvider? Files()
    {
        // Made once the files are there, so that a console built after nubed started is served too.
        if (files is null && File.Exists(Path.Combine(root, Index)))
            files = new PhysicalFileProvider(root);
        return files;
    }

    private static async Task SendAsync(HttpContext http, IFileInfo file)
    {
        http.Response.ContentType = ContentTypes.TryGetContentType(file.Name, out var type) ? type : "application/octet-stream";
        http.Response.ContentLength = file.Length;
        if (HttpMethods.IsHead(http.Request.Method))
            return;
        await http.Response.SendFileAsync(file, http.RequestAborted);
    }

    private static Task AnswerAsync(HttpContext http, int status, string line)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(line + "\n", http.RequestAborted);
    }

    /// <summary>
    /// Only the console's own files may run or load. style-src allows inline styles because
    /// xterm.js writes its theme and character-cell sizes into &lt;style&gt; elements at run time;
    /// scripts stay 'self' only, so no injected text can run. WebSockets (serial console, VNC)
    /// go to this same host, named explicitly for browsers whose 'self' does not cover ws: and wss:.
    /// </summary>
    private static void SetSecurityHeaders(HttpContext http)
    {
        var socketScheme = http.Request.IsHttps ? "wss" : "ws";
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
            $"connect-src 'self' {socketScheme}://{http.Request.Host}; font-src 'self'; object-src 'none'; base-uri 'none'; " +
            "form-action 'self'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }
}
