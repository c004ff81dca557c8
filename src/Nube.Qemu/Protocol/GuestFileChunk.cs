namespace Nube.Qemu.Protocol;

/// <summary>What one guest-file-read returned: the bytes, and whether the file ended there.</summary>
public sealed record GuestFileChunk(byte[] Bytes, bool Eof);
