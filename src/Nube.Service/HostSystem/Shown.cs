using System.Text.Encodings.Web;
using System.Text.Json;

namespace Nube.Service.HostSystem;

/// <summary>A user's text quoted for a message, on one line: control characters are escaped as JSON escapes them.</summary>
internal static class Shown
{
    public static string Quote(string text) => $"'{JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}'";
}
