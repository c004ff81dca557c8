using Nube.Core.Hosts;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// The machine and its firmware. Generation 1 is QEMU's <c>pc</c> (i440fx, PIIX IDE) with
/// SeaBIOS; generation 2 is <c>q35</c> with OVMF; each in the VM's pinned version (<see cref="VmConfig.Machine"/>) in two flash devices: the shared code,
/// read-only, and the VM's own variable store. Secure Boot takes the firmware build that
/// requires SMM, with the flash only writable from SMM, so the guest's OS cannot rewrite the
/// keys behind the firmware's back.
/// </summary>
internal static class MachineArguments
{
    public const string CodeNode = "uefi-code";
    public const string VarsNode = "uefi-vars";

    public static void Add(VmConfig vm, QemuLaunchContext ctx, List<string> argv, List<RequiredFile> required,
        List<FileFromTemplate> templates, Descriptors fds)
    {
        if (vm.Generation != 2)
        {
            argv.AddRange(["-machine", vm.Machine ?? "pc"]);
            return;
        }
        var uefi = ctx.Uefi ?? throw new ArgumentException("The launch context has no UEFI firmware; a generation 2 VM needs it.", nameof(ctx));
        var secure = Generations.SecureBootOn(vm);
        var code = secure ? uefi.SecureBootCode : uefi.Code;
        var template = secure ? uefi.SecureBootVars : uefi.Vars;
        var vars = ctx.Paths.UefiVars(secure);
        required.Add(new("firmware (Debian package ovmf)", template));
        templates.Add(new("firmware variables", template, vars));
        argv.AddRange(["-machine", $"{vm.Machine ?? "q35"},smm={(secure ? "on" : "off")},pflash0={CodeNode},pflash1={VarsNode}"]);
        var codeFile = fds.File(argv, "firmware (Debian package ovmf)", code, readOnly: true);
        argv.AddRange(["-blockdev", $"driver=file,filename={codeFile},node-name={CodeNode}-file,read-only=on"]);
        argv.AddRange(["-blockdev", $"driver=raw,file={CodeNode}-file,node-name={CodeNode},read-only=on"]);
        var varsFile = fds.File(argv, "firmware variables", vars, readOnly: false);
        argv.AddRange(["-blockdev", $"driver=file,filename={varsFile},node-name={VarsNode}-file"]);
        argv.AddRange(["-blockdev", $"driver=raw,file={VarsNode}-file,node-name={VarsNode}"]);
        if (secure)
            argv.AddRange(["-global", "driver=cfi.pflash01,property=secure,value=on"]);
    }
}
