using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GenomicCode.Tests.Data;

/// <summary>
/// A PNG writer for the decoder's tests: any colour type, bit depth and interlace flag in the header, a chosen filter
/// per row (applied forwards, as PNG section 9.2 defines them), optional PLTE and tRNS, and a chunk CRC of its own
/// (bitwise, not table-driven, so it checks the decoder's CRC independently).
/// </summary>
internal static class TestPng
{
    internal static byte[] Encode(int width, int height, int colourType, byte[] samples, Func<int, int>? filterOfRow = null,
        byte[]? palette = null, byte[]? transparency = null, int bitDepth = 8, int interlace = 0)
    {
        int bpp = colourType switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };
        int stride = width * bpp;
        using var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            int f = filterOfRow?.Invoke(y) ?? 0;
            raw.WriteByte((byte)f);
            for (int i = 0; i < stride; i++)
            {
                int x = samples[y * stride + i];
                int a = i >= bpp ? samples[y * stride + i - bpp] : 0;
                int b = y > 0 ? samples[(y - 1) * stride + i] : 0;
                int c = y > 0 && i >= bpp ? samples[(y - 1) * stride + i - bpp] : 0;
                int predictor = f switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, 4 => Paeth(a, b, c), _ => 0 };
                raw.WriteByte((byte)(x - predictor));
            }
        }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)colourType;
        header[12] = (byte)interlace;
        using var png = new MemoryStream();
        png.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        Chunk(png, "IHDR", header);
        if (palette is not null) Chunk(png, "PLTE", palette);
        if (transparency is not null) Chunk(png, "tRNS", transparency);
        Chunk(png, "tEXt", Encoding.ASCII.GetBytes("Comment\0an ancillary chunk the decoder skips"));
        Chunk(png, "IDAT", Zlib(raw.ToArray()));
        Chunk(png, "IEND", Array.Empty<byte>());
        return png.ToArray();
    }

    internal static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return output.ToArray();
    }

    internal static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, BitwiseCrc(typed));
        s.Write(crc);
    }

    private static uint BitwiseCrc(byte[] data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (uint)-(int)(c & 1));
        }
        return ~c;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
