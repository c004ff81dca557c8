using Nube.Core.Vms;

namespace Nube.Core.Lifecycle;

/// <summary>
/// An allowed operation: the state it starts from, the state shown while it runs, and the
/// state it ends in when it succeeds. On failure the caller decides (usually back to From).
/// </summary>
public sealed record VmTransition(VmState From, VmState During, VmState Success);
