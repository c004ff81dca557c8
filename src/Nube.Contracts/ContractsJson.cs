using System.Text.Json;
using System.Text.Json.Serialization;
using Nube.Contracts.Audit;
using Nube.Contracts.Auth;
using Nube.Contracts.Disks;
using Nube.Contracts.Events;
using Nube.Contracts.Hosts;
using Nube.Contracts.HostSystem;
using Nube.Contracts.Jobs;
using Nube.Contracts.Switches;
using Nube.Contracts.Vms;

namespace Nube.Contracts;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(VmSettings))]
[JsonSerializable(typeof(VmDriveInfo))]
[JsonSerializable(typeof(IReadOnlyList<VmDriveInfo>))]
[JsonSerializable(typeof(IReadOnlyList<NetworkAdapterSettings>))]
[JsonSerializable(typeof(AddDriveRequest))]
[JsonSerializable(typeof(DriveMediumRequest))]
[JsonSerializable(typeof(VmSummary))]
[JsonSerializable(typeof(IReadOnlyList<VmSummary>))]
[JsonSerializable(typeof(VmDetails))]
[JsonSerializable(typeof(VmMeasurement))]
[JsonSerializable(typeof(HostInfo))]
[JsonSerializable(typeof(PeerSettings))]
[JsonSerializable(typeof(MoveCheckInfo))]
[JsonSerializable(typeof(MoveCheckRequest))]
[JsonSerializable(typeof(PeerInfo))]
[JsonSerializable(typeof(IReadOnlyList<PeerInfo>))]
[JsonSerializable(typeof(HostSettings))]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(JobInfo))]
[JsonSerializable(typeof(IReadOnlyList<JobInfo>))]
[JsonSerializable(typeof(HostEvent))]
[JsonSerializable(typeof(KvpList))]
[JsonSerializable(typeof(KvpItem))]
[JsonSerializable(typeof(KvpChange))]
[JsonSerializable(typeof(KvpSetRequest))]
[JsonSerializable(typeof(FileCopyRequest))]
[JsonSerializable(typeof(CheckpointTree))]
[JsonSerializable(typeof(CheckpointInfo))]
[JsonSerializable(typeof(NewCheckpointRequest))]
[JsonSerializable(typeof(RenameCheckpointRequest))]
[JsonSerializable(typeof(IReadOnlyList<IntegrationServiceInfo>))]
[JsonSerializable(typeof(IntegrationServiceInfo))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(UserInfo))]
[JsonSerializable(typeof(IReadOnlyList<UserInfo>))]
[JsonSerializable(typeof(NewUserRequest))]
[JsonSerializable(typeof(PasswordRequest))]
[JsonSerializable(typeof(TokenInfo))]
[JsonSerializable(typeof(IReadOnlyList<TokenInfo>))]
[JsonSerializable(typeof(NewTokenRequest))]
[JsonSerializable(typeof(NewToken))]
[JsonSerializable(typeof(ScreenshotSaved))]
[JsonSerializable(typeof(VmConsoleLink))]
[JsonSerializable(typeof(HostSystemInfo))]
[JsonSerializable(typeof(HostSystemSettings))]
[JsonSerializable(typeof(HostUpdates))]
[JsonSerializable(typeof(PowerRequest))]
[JsonSerializable(typeof(PowerResult))]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(IReadOnlyList<AuditRecord>))]
[JsonSerializable(typeof(DiskInfo))]
[JsonSerializable(typeof(NewDiskRequest))]
[JsonSerializable(typeof(ConvertDiskRequest))]
[JsonSerializable(typeof(ResizeDiskRequest))]
[JsonSerializable(typeof(MergeDiskRequest))]
[JsonSerializable(typeof(CheckDiskRequest))]
[JsonSerializable(typeof(DiskCheck))]
[JsonSerializable(typeof(DiskList))]
[JsonSerializable(typeof(IsoInfo))]
[JsonSerializable(typeof(SwitchInfo))]
[JsonSerializable(typeof(IReadOnlyList<SwitchInfo>))]
[JsonSerializable(typeof(SwitchSettings))]
[JsonSerializable(typeof(IReadOnlyList<IsoInfo>))]
public sealed partial class ContractsJson : JsonSerializerContext;
