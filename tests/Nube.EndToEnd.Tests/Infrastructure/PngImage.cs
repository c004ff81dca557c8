using System.Buffers.Binary;
using System.IO.Compression;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A PNG read back into pixels, enough for QEMU's screendumps (8-bit RGB or RGBA, not
/// interlaced), so that tests can judge what the screen shows.
/// </summary>
public sealed class PngImage
{
    private readonly byte[] rgb;

    private PngImage(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        this.rgb = rgb;
    }

    public int Width { get; }
    public int Height { get; }

    public (byte R, byte G, byte B) this[int x, int y] => (rgb[(y * Width + x) * 3], rgb[(y * Width + x) * 3 + 1], rgb[(y * Width + x) * 3 + 2]);

    public static PngImage Decode(byte[] png)
    {
        Assert.True(png.AsSpan().StartsWith((byte[])[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "not a PNG file");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                (width, height) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]));
                Assert.True(data[8] == 8 && data[12] == 0, $"bit depth {data[8]}, interlace {data[12]}: only 8-bit, non-interlaced PNGs are read here");
                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"PNG colour type {data[9]} is not read here") };
            }
            else if (type == "IDAT")
                idat.Write(data);
            at += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
            z.CopyTo(inflated);
        return new PngImage(width, height, Unfilter(inflated.ToArray(), width, height, channels));
    }

    /// <summary>Undoes the per-row filters (None, Sub, Up, Average, Paeth) and keeps R, G, B.</summary>
    private static byte[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        var stride = width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            Array.Copy(raw, y * (stride + 1) + 1, current, 0, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                current[i] += filter switch
                {
                    0 => 0,
                    1 => (byte)a,
                    2 => (byte)b,
                    3 => (byte)((a + b) / 2),
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG filter {filter} on row {y}"),
                };
            }
            for (var x = 0; x < width; x++)
                Array.Copy(current, x * channels, rgb, (y * width + x) * 3, 3);
            (previous, current) = (current, previous);
        }
        return rgb;
    }

    private static byte Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }
}
