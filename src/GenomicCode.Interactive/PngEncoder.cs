using System.Buffers.Binary;
using System.IO.Compression;

namespace GenomicCode.Interactive;

/// <summary>
/// A minimal PNG writer for 8-bit grey or RGB pixels (PNG specification, W3C 2nd edition: 5.2 signature, 5.3 chunk
/// layout and CRC, 11.2.2 IHDR, 9.2 filter type 0 per scanline, 10 zlib compression of IDAT).
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Encodes <paramref name="height"/> x <paramref name="width"/> pixels, row-major, 1 (grey) or 3 (RGB) bytes each.</summary>
    public static byte[] Encode(int width, int height, int channels, ReadOnlySpan<byte> pixels)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"a PNG needs a positive size, got {width}x{height}.");
        if (channels is not (1 or 3)) throw new ArgumentException($"a PNG here has 1 or 3 channels, got {channels}.");
        int stride = width * channels;
        if (pixels.Length != (long)stride * height)
            throw new ArgumentException($"{width}x{height}x{channels} pixels need {(long)stride * height} bytes, got {pixels.Length}.");

        using var output = new MemoryStream();
        output.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;                                // bit depth
        header[9] = (byte)(channels == 1 ? 0 : 2);    // colour type: greyscale or truecolour
        header[10] = header[11] = header[12] = 0;     // deflate, adaptive filtering, no interlace
        WriteChunk(output, "IHDR", header);

        using (var raw = new MemoryStream())
        {
            using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    zlib.WriteByte(0); // filter type None
                    zlib.Write(pixels.Slice(y * stride, stride));
                }
            }
            WriteChunk(output, "IDAT", raw.ToArray());
        }
        WriteChunk(output, "IEND", ReadOnlySpan<byte>.Empty);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        for (int i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
        output.Write(head);
        output.Write(data);
        uint crc = Crc(0xFFFFFFFFu, head[4..]);
        crc = Crc(crc, data) ^ 0xFFFFFFFFu;
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        output.Write(tail);
    }

    // CRC-32 over chunk type and data (PNG spec Annex D: polynomial 0xEDB88320, reflected).
    private static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
