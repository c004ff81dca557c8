namespace Nube.Service.Migration;

/// <summary>A move that did not happen (or whose end is not known yet); the message says what happened and where the VM is.</summary>
public sealed class MoveFailedException(string message, Exception? cause = null) : Exception(message, cause);
