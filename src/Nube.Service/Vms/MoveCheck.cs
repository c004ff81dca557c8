using Nube.Contracts;
using Nube.Contracts.Vms;
using Nube.Core.Hosts;
using Nube.Core.Migration;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Api;
using Nube.Service.Hosts;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Vms;

/// <summary>
/// Whether a VM can move to a peer host (as Hyper-V's Compare-VM), asked of both ends before
/// anything starts: the source checks the VM (its state, its images, this host's edition and
/// QEMU), the destination everything that makes it able to take the VM (its edition's limits and
/// QEMU, the pinned machine type, the switches by name, the disks at the same paths under its
/// storage roots, a name and an id of its own).
/// </summary>
public sealed class MoveCheck(VmServices services, VmRegistry vms, HostPeers peers)
{
    /// <summary>The source's side, then the peer's; every problem of both.</summary>
    /// <exception cref="ValidationException">No such peer.</exception>
    public async Task<MoveCheckInfo> CheckAsync(VmSnapshot snapshot, MoveRequest move, CancellationToken ct)
    {
        var (to, live) = (move.To, move.Live);
        var peer = Peer(to);
        var config = snapshot.Config ?? throw new VmConflictException($"VM {snapshot.Id} is broken: {snapshot.BrokenReason}");
        var problems = new List<ApiFieldError>();
        var facts = services.Host.Facts;
        var tcg = (snapshot.Accelerator ?? AcceleratorResolver.Resolve(services.Host.Config.Accelerator, facts)) == Accelerator.Tcg;
        var images = (await ImagesAsync(config, problems, ct).ConfigureAwait(false)).ToList();
        problems.AddRange(MoveRules.Source(config, snapshot.State, live, services.Host.Edition, facts.QemuVersion, tcg, images).Select(ToField));
        var book = new Checkpoints.CheckpointStore(services.Store.VmDirectory(snapshot.Id)).Read();
        problems.AddRange(MovedCheckpoints.Check(config, book, move.WithStorage).Select(ToField));
        if (move.WithStorage && !live)
            problems.Add(new("withStorage", "true", "withStorage: the disks are copied to another host only by a live move (drop --quick)"));
        if (move.WithStorage)
            problems.AddRange(PeerStorage.CheckSource(config, images).Select(ToField));
        var (answer, unreachable) = await HostPeers.CallAsync(peer, (client, t) => client.Migrations.CheckIncomingAsync(new MoveCheckRequest
        {
            VmId = config.Id, Vm = ContractMapper.ToSettings(config), Live = live, SourceProcessor = HostProcessor(snapshot.Accelerator),
            WithStorage = move.WithStorage, StorageFolder = move.StorageFolder,
        }, t), ct).ConfigureAwait(false);
        if (unreachable is not null)
            problems.Add(new("to", peer.Name, $"to: the peer '{peer.Name}' could not be asked: {unreachable}"));
        else
            problems.AddRange(answer!.Problems.Select(p => p with { Message = $"at {peer.Name}: {p.Message}" }));
        return new MoveCheckInfo { Vm = config.Name, Destination = peer.Name, Live = live, Problems = problems };
    }

    /// <summary>The peer named <paramref name="to"/>.</summary>
    /// <exception cref="ValidationException">This host has no such peer.</exception>
    public HostPeer Peer(string to) => peers.Find(to) ?? throw new ValidationException([new("to", to,
        $"to: '{to}' is not a peer of this host ({(peers.All.IsEmpty ? "it has none: add one with 'nube host peer add'" : "it has " + string.Join(", ", peers.All.Select(p => p.Name)))})")]);

    /// <summary>The destination's side: could this host take the VM the peer describes?</summary>
    public Task<MoveCheckInfo> CheckIncomingAsync(MoveCheckRequest request, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var patch = ContractMapper.ToPatch(request.Vm, errors);
        return CheckIncomingAsync(patch.Apply(new VmConfig { Id = request.VmId, Name = request.Vm.Name ?? "" }), request.Live, request.SourceProcessor,
            request.WithStorage ? request.StorageFolder ?? "" : null, ct, errors);
    }

    /// <summary>What a VM on the host's processor sees here (<see cref="MoveRules.HostProcessor"/>); <paramref name="running"/>: the accelerator the VM runs with now.</summary>
    public string HostProcessor(Accelerator? running = null)
    {
        var facts = services.Host.Facts;
        var accelerator = running ?? AcceleratorResolver.Resolve(services.Host.Config.Accelerator, facts);
        return MoveRules.HostProcessor(accelerator == Accelerator.Tcg, facts.QemuVersion, facts.ProcessorName);
    }

    /// <summary>The destination's side, for the VM exactly as the source stores it.</summary>
    /// <param name="sourceProcessor">The source's <see cref="HostProcessor"/>.</param>
    /// <param name="copyTo">With storage: the folder the disks are copied into, or empty for the same paths; null when they stay on shared storage.</param>
    public async Task<MoveCheckInfo> CheckIncomingAsync(VmConfig vm, bool live, string? sourceProcessor, string? copyTo, CancellationToken ct,
        List<ValidationError>? found = null)
    {
        var errors = found ?? [];
        var copied = copyTo is null ? [] : WritableDiskTargets(vm, copyTo, errors);
        if (copyTo is not null)
            vm = PeerStorage.Retarget(vm, copyTo.Length > 0 ? copyTo : null);
        var host = services.Host;
        if (vms.All.FirstOrDefault(v => v.Id == vm.Id) is { } same)
            errors.Add(new("vmId", vm.Id.ToString(), $"vmId: this host already has the VM (as '{same.Snapshot.Name}')"));
        var others = vms.All.Where(v => v.Id != vm.Id).Select(v => v.Snapshot.Config?.Name).OfType<string>();
        errors.AddRange(VmValidator.Validate(vm, host.Edition, others, services.Switches.Names));
        errors.AddRange(StorageRootRules.Check(vm, StorageRootRules.Roots(services.Options.DataDir, host.Config), services.Options.DataDir, host.Config.PassthroughDevices));
        var tcg = AcceleratorResolver.Resolve(host.Config.Accelerator, host.Facts) == Accelerator.Tcg;
        errors.AddRange(MoveRules.Destination(vm, live, host.Edition, host.Facts.QemuVersion, tcg, host.Facts.Machines, services.Admission.Count,
            sourceProcessor, HostProcessor()));
        foreach (var drive in VmDrives.List(vm).Where(d => d.Path is not null && d.Media == DriveMedia.HardDisk && !copied.Contains(d.Path)))
            if (!File.Exists(drive.Path))
                errors.Add(new(drive.Id, drive.Path!, $"{drive.Id} ({drive.Address}): '{drive.Path}' is not on this host; a VM moves with its disks where they are, " +
                    "on storage both hosts reach at the same path (move them there first, or move the VM with its storage)"));
        // Disks about to be copied here have no chain to read yet.
        if (errors.Count == 0 && copied.Count == 0)
        {
            try
            {
                await services.Disks.ReadChainsAsync(vm, ct).ConfigureAwait(false);
            }
            catch (ValidationException e)
            {
                errors.AddRange(e.Errors);
            }
        }
        return new MoveCheckInfo
        {
            Vm = vm.Name, Destination = Environment.MachineName, Live = live,
            Problems = [.. errors.DistinctBy(e => e.Message).Select(ToField)],
        };
    }

    /// <summary>Where each copied disk goes here: a new file in an existing folder; every reason one cannot.</summary>
    private static HashSet<string> WritableDiskTargets(VmConfig vm, string copyTo, List<ValidationError> errors)
    {
        if (copyTo.Length > 0 && (!Path.IsPathFullyQualified(copyTo) || !Directory.Exists(copyTo)))
            errors.Add(new("storageFolder", copyTo, $"storageFolder: '{copyTo}' is not a folder of this host"));
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var placed in PeerStorage.Place(vm, copyTo.Length > 0 ? copyTo : null))
        {
            if (File.Exists(placed.Target) || !targets.Add(placed.Target))
                errors.Add(new(placed.Disk.Field, placed.Target, $"{placed.Disk.Field}: '{placed.Target}' exists on this host already " +
                    "(on storage both hosts reach, move without --with-storage; else choose another --storage-folder)"));
            else if (copyTo.Length == 0 && !Directory.Exists(Path.GetDirectoryName(placed.Target)))
                errors.Add(new(placed.Disk.Field, placed.Target, $"{placed.Disk.Field}: this host has no folder '{Path.GetDirectoryName(placed.Target)}' for '{placed.Target}'; " +
                    "make it, or name one with --storage-folder"));
        }
        return targets;
    }

    /// <summary>Each disk's image and backing images with their formats; a chain that cannot be read is a problem of its own.</summary>
    private async Task<IEnumerable<(string Field, BackingImage Image)>> ImagesAsync(VmConfig vm, List<ApiFieldError> problems, CancellationToken ct)
    {
        var images = VmDrives.List(vm).Where(d => d.Path is not null && d.Media == DriveMedia.HardDisk)
            .Select(d => (Field: $"{d.Id} ({d.Address})", Image: new BackingImage(d.Path!, ImageFormat.Of(d.Format, d.Path!)))).ToList();
        try
        {
            var chains = await services.Disks.ReadChainsAsync(vm, ct).ConfigureAwait(false);
            return [.. images, .. images.SelectMany(i => chains.TryGetValue(i.Image.Path, out var chain) ? chain.Select(b => (i.Field, b)) : [])];
        }
        catch (ValidationException e)
        {
            problems.AddRange(e.Errors.Select(ToField));
            return images;
        }
    }

    private static ApiFieldError ToField(ValidationError e) => new(e.Field, e.Value, e.Message);
}
