namespace Nube.Service.Vms.Errors;

/// <summary>The VM runs, but its guest agent did not answer within the time the caller gave it.</summary>
public sealed class GuestAgentNoAnswerException(string message) : Exception(message);
