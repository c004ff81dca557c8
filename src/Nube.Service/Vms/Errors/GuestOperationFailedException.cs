namespace Nube.Service.Vms.Errors;

/// <summary>
/// The guest answered, but did not do what it was asked (a file could not be written, a checksum
/// did not match, a program failed). The message quotes the guest's words sanitised.
/// </summary>
public sealed class GuestOperationFailedException(string message, Exception? cause = null) : Exception(message, cause);
