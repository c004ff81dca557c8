using Nube.Core.Checkpoints;
using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Migration;

/// <summary>
/// A VM's checkpoints move with it (as Hyper-V's do): their images and overlays are beside its
/// disks on the shared storage already; the tree (<c>checkpoints.json</c>) goes with the VM, and
/// each standard checkpoint's memory file, from the source's VM folder, crosses on the shared
/// storage beside the first disk (<c>.nube-move-&lt;move&gt;-&lt;checkpoint&gt;.state</c>) while the guest still runs.
/// </summary>
public static class MovedCheckpoints
{
    /// <summary>Why the checkpoints cannot move with the VM, if they cannot.</summary>
    public static IEnumerable<ValidationError> Check(VmConfig vm, CheckpointBook book, bool withStorage)
    {
        if (book.Checkpoints.IsEmpty)
            yield break;
        if (withStorage)
            yield return new("checkpoints", $"{book.Checkpoints.Length}",
                $"checkpoints: VM '{vm.Name}' has {book.Checkpoints.Length} checkpoint(s), whose images are not copied to another host; remove them first " +
                "(nube vm checkpoint remove), or move it without --with-storage");
        else if (book.Checkpoints.Any(c => c.Memory is not null) && QuickState.PathFor(vm, Guid.Empty) is null)
            yield return new("checkpoints", $"{book.Checkpoints.Length}",
                $"checkpoints: VM '{vm.Name}' has standard checkpoints with its memory but no disk file beside which the memory could cross; remove them first");
    }

    /// <summary>Where checkpoint <paramref name="checkpoint"/>'s memory crosses during move <paramref name="migration"/>.</summary>
    public static string MemoryPath(VmConfig vm, Guid migration, Guid checkpoint) =>
        Path.Join(Path.GetDirectoryName(QuickState.PathFor(vm, migration)), $".nube-move-{migration:N}-{checkpoint:N}.state");
}
