using System.Text.Json;

namespace Nube.Contracts;

/// <summary>
/// The contracts' JSON on one line, for streams that print one object per line (<c>nube events --json</c>).
/// A second instance of the source-generated context with WriteIndented off: no reflection, so it
/// stays safe under Native AOT.
/// </summary>
public static class CompactJson
{
    public static readonly ContractsJson Context = new(new JsonSerializerOptions(ContractsJson.Default.Options) { WriteIndented = false });
}
