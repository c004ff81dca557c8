using System.Collections.Immutable;
using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Service.Vms.Disks;

namespace Nube.Service.Tests.Fakes;

/// <summary>The fake QEMU's disks have no backing files and sound images (the real reader runs qemu-img; the end-to-end tests use it).</summary>
internal sealed class NoBackingChains : IDiskChains
{
    public Task<ImmutableDictionary<string, ImmutableArray<BackingImage>>> ReadChainsAsync(VmConfig vm, CancellationToken ct) =>
        Task.FromResult(ImmutableDictionary<string, ImmutableArray<BackingImage>>.Empty);

    public Task CheckImagesAsync(VmConfig vm, Func<string, bool> which, CancellationToken ct) => Task.CompletedTask;
}
