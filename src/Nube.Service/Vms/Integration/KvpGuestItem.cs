namespace Nube.Service.Vms.Integration;

/// <summary>One entry of the guest's folder: a pair, or the reason the host refused it.</summary>
/// <param name="Type">'f' a regular file, 'l' a symbolic link, 'o' anything else.</param>
public sealed record KvpGuestItem(string Key, char Type, string? Value, string? Refused);
