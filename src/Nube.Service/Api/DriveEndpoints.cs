using Nube.Contracts.Vms;
using Nube.Core.Vms;
using Nube.Service.Vms;

namespace Nube.Service.Api;

/// <summary>
/// A VM's drives as typed commands (Hyper-V's Add-VMHardDiskDrive, Remove-VMHardDiskDrive,
/// Set-VMDvdDrive): while the VM runs, a SCSI drive comes and goes by hot plug and a DVD takes
/// or gives up its disc; the answer is the VM's drives afterwards.
/// </summary>
public static class DriveEndpoints
{
    public static void MapDriveEndpoints(this IEndpointRouteBuilder app)
    {
        var drives = app.MapGroup("/api/v1/vms/{vm}/drives").WithTags("Drives").Problems(StatusCodes.Status404NotFound);
        drives.MapGet("/", (string vm, VmRegistry r) => List(r.Resolve(vm).Snapshot))
            .Describe("ListDrives", "List a VM's drives", "Its IDE and SCSI drives, each with its id, place and boot order.");
        drives.MapPost("/", async (string vm, HttpContext http, VmRegistry r) =>
        {
            var command = ContractMapper.ToAddDrive(await JsonBody.ReadAsync<AddDriveRequest>(http));
            return List(await r.Resolve(vm).ChangeAsync(command));
        }).Describe("AddDrive", "Add a drive to a VM", "A disk or DVD drive; a SCSI one also while the VM runs (hot add).")
            .Reads<AddDriveRequest>().Problems(StatusCodes.Status409Conflict, StatusCodes.Status502BadGateway);
        drives.MapDelete("/{drive}", async (string vm, string drive, VmRegistry r) =>
            List(await r.Resolve(vm).ChangeAsync(new RemoveDrive(drive))))
            .Describe("RemoveDrive", "Remove a drive from a VM", "By id or place; its file stays. A SCSI one also while the VM runs (hot remove).")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status502BadGateway);
        drives.MapPost("/medium", async (string vm, HttpContext http, VmRegistry r) =>
        {
            var body = await JsonBody.ReadAsync<DriveMediumRequest>(http);
            return List(await r.Resolve(vm).ChangeAsync(new SetDriveMedium(body.Drive, body.Path)));
        }).Describe("SetDriveMedium", "Insert or eject a DVD", "Puts a disc (an ISO image) into a DVD drive, or ejects it when no path is given; also while the VM runs.")
            .Reads<DriveMediumRequest>().Problems(StatusCodes.Status409Conflict, StatusCodes.Status502BadGateway);
    }

    private static IReadOnlyList<VmDriveInfo> List(VmSnapshot vm) =>
        vm.Config is { } config ? [.. VmDrives.List(config).Select(d => ContractMapper.ToDriveInfo(config, d))] : [];
}
