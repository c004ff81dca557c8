namespace Nube.Core.Serialization;

public sealed class ConfigDocumentException(string message, Exception? inner = null) : Exception(message, inner);
