namespace Nube.Core.Validation;

/// <summary>
/// One problem with a document. <see cref="Field"/> is the JSON path the user typed
/// (e.g. <c>scsiControllers[0].disks[3].location</c>) so that a client can point at it;
/// <see cref="Message"/> is the whole sentence, naming the field, the value and the limit.
/// </summary>
public sealed record ValidationError(string Field, string Value, string Message)
{
    public override string ToString() => Message;
}
