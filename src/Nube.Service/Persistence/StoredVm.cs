using Nube.Core.Vms;

namespace Nube.Service.Persistence;

public sealed record StoredVm(Guid Id, VmConfig? Config, string? Error);
