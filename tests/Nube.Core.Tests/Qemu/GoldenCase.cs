using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Qemu;

/// <summary>One golden input: <c>{"context": ..., "vm": ..., "edition": ...}</c>; the edition defaults to nube.</summary>
public sealed record GoldenCase(QemuLaunchContext Context, VmConfig Vm, string Edition = "nube");
