using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nube.Contracts;
using Nube.Service.Api;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// nubed's API routes with their HTTP methods, read from the same <see cref="ApiRoutes.MapApiRoutes"/>
/// that nubed maps, so that a route added later is checked without anyone listing it here.
/// </summary>
public static class RouteTable
{
    public sealed record Route(string Method, string Pattern)
    {
        /// <summary>The pattern with every route value a placeholder: what a request needs to reach the route's gate.</summary>
        public string Path(string placeholder = "placeholder") =>
            string.Join('/', Pattern.Split('/').Select(s => s.StartsWith('{') ? placeholder : s));

        public bool ChangesState => Method is not ("GET" or "HEAD");

        public override string ToString() => $"{Method} {Pattern}";
    }

    public static IReadOnlyList<Route> Api()
    {
        var services = new ServiceCollection().AddLogging().AddRouting();
        services.ConfigureHttpJsonOptions(JsonBody.Configure);
        using var provider = services.BuildServiceProvider();
        var routes = new Builder(new EveryServiceProvider(provider));
        routes.MapApiRoutes();
        return [.. routes.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods
                .Select(m => new Route(m, "/" + e.RoutePattern.RawText!.Trim('/'))))
            .Distinct()];
    }

    private sealed class Builder(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;
        public ICollection<EndpointDataSource> DataSources { get; } = [];
        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(services);
    }

    /// <summary>
    /// Tells the route handlers' parameter binding that every parameter type but the API's own
    /// request documents is a service, as in nubed, without building nubed's services.
    /// </summary>
    private sealed class EveryServiceProvider(IServiceProvider inner) : IServiceProvider, IServiceProviderIsService
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IServiceProviderIsService) ? this : inner.GetService(serviceType);

        public bool IsService(Type serviceType) => serviceType.Namespace?.StartsWith("Nube.Contracts", StringComparison.Ordinal) != true;
    }
}
