using System.Text.Json;
using Nube.Core.Serialization;
using Nube.Core.Vms;
namespace Nube.Core.Tests.Vms;
public class ScratchTests
{
    [Fact]
    public void Scratch()
    {
        var d = JsonSerializer.Deserialize<ScsiDisk>("""{"location":1,"path":null}""", NubeJson.Options)!;
        Assert.Null(d.Path);
    }
}
