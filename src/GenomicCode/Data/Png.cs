using System.Buffers.Binary;
using System.IO.Compression;
using GenomicCode.Core;

namespace GenomicCode.Data;

/// <summary>An 8-bit RGBA image: <see cref="Width"/> x <see cref="Height"/> pixels of 4 bytes (R, G, B, A), row-major, straight (not premultiplied) alpha.</summary>
/// <param name="Width">Pixels per row.</param>
/// <param name="Height">Rows.</param>
/// <param name="Pixels">Width * Height * 4 bytes.</param>
public sealed record RgbaImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>Byte <paramref name="channel"/> (0 R, 1 G, 2 B, 3 A) of the pixel at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public byte this[int x, int y, int channel] => Pixels[(y * Width + x) * 4 + channel];
}

/// <summary>
/// A small PNG decoder (W3C "Portable Network Graphics (PNG) Specification", 2nd edition, 2003): 8-bit samples,
/// non-interlaced, colour types 0 (grey), 2 (RGB), 3 (palette), 4 (grey + alpha) and 6 (RGBA), all five row filters
/// (section 9), tRNS transparency for types 0, 2 and 3, chunk CRCs checked. Every image comes out as RGBA. Anything
/// else (16-bit or sub-byte samples, Adam7 interlacing) and every corrupt or truncated file is a one-line error naming
/// the file.
/// </summary>
public static class Png
{
    private static readonly byte[] Signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
    private const int MaxSide = 16384;

    /// <summary>Reads and decodes a PNG file.</summary>
    public static RgbaImage Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"file '{path}' does not exist.");
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes PNG bytes; <paramref name="source"/> names them in error messages.</summary>
    public static RgbaImage Decode(byte[] bytes, string source)
    {
        if (bytes.Length < Signature.Length || !bytes.AsSpan(0, Signature.Length).SequenceEqual(Signature))
            throw new UserInputException($"'{source}' is not a PNG file (no PNG signature).");
        int pos = Signature.Length;
        Header? header = null;
        byte[]? palette = null, transparency = null;
        using var idat = new MemoryStream();
        bool ended = false;
        while (!ended)
        {
            if (bytes.Length - pos < 12)
                throw new UserInputException($"'{source}': truncated PNG (the file ends before its IEND chunk).");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(bytes, pos + 4, 4);
            string named = new(type.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray()); // a damaged type, printable
            if (length > int.MaxValue || bytes.Length - pos - 12 < length)
                throw new UserInputException($"'{source}': truncated PNG (chunk {named} runs past the end of the file).");
            var data = bytes.AsSpan(pos + 8, (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(pos + 8 + (int)length));
            if (Crc32.Compute(bytes.AsSpan(pos + 4, 4 + (int)length)) != crc)
                throw new UserInputException($"'{source}': chunk {named} fails its CRC check; the file is corrupt.");
            pos += 12 + (int)length;
            if (header is null && type != "IHDR")
                throw new UserInputException($"'{source}': the first chunk is {named}, not IHDR; the file is corrupt.");
            switch (type)
            {
                case "IHDR": header = ReadHeader(data, source); break;
                case "PLTE":
                    if (length == 0 || length % 3 != 0 || length > 768)
                        throw new UserInputException($"'{source}': the PLTE chunk has {length} bytes (a multiple of 3, at most 768).");
                    palette = data.ToArray();
                    break;
                case "tRNS": transparency = data.ToArray(); break;
                case "IDAT": idat.Write(data); break;
                case "IEND": ended = true; break;
                default:
                    // Bit 5 of the first type byte set = ancillary (section 5.4): safe to skip. A critical chunk we do not know is refused.
                    if ((type[0] & 0x20) == 0)
                        throw new UserInputException($"'{source}': unknown critical PNG chunk {named}; the file cannot be decoded.");
                    break;
            }
        }
        var h = header!.Value;
        if (h.ColourType == 3 && palette is null)
            throw new UserInputException($"'{source}': a palette image (colour type 3) without a PLTE chunk; the file is corrupt.");
        int channels = SamplesPerPixel(h.ColourType);
        int stride = h.Width * channels;
        var raw = Inflate(idat.ToArray(), (long)h.Height * (stride + 1), source);
        var samples = Unfilter(raw, h.Width, h.Height, channels, source);
        return new RgbaImage(h.Width, h.Height, ToRgba(samples, h, palette, transparency, source));
    }

    /// <summary>
    /// Reverses the five PNG row filters (section 9.2) in place over (height) rows of 1 filter byte + stride sample
    /// bytes, for <paramref name="bytesPerPixel"/> bytes per pixel; returns the unfiltered samples without filter bytes.
    /// </summary>
    public static byte[] Unfilter(byte[] filtered, int width, int height, int bytesPerPixel, string source)
    {
        int stride = width * bytesPerPixel;
        if (filtered.Length < (long)height * (stride + 1))
            throw new UserInputException($"'{source}': {filtered.Length} bytes of filtered rows, {height} rows of {stride + 1} needed; the file is truncated.");
        var output = new byte[(long)height * stride];
        for (int y = 0; y < height; y++)
        {
            int filter = filtered[y * (stride + 1)];
            var line = filtered.AsSpan(y * (stride + 1) + 1, stride);
            var current = output.AsSpan(y * stride, stride);
            var previous = y == 0 ? Span<byte>.Empty : output.AsSpan((y - 1) * stride, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bytesPerPixel ? current[i - bytesPerPixel] : 0;  // left
                int b = y > 0 ? previous[i] : 0;                               // above
                int c = y > 0 && i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0; // above-left
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) >> 1,
                    4 => Paeth(a, b, c),
                    _ => throw new UserInputException($"'{source}': row {y} has filter type {filter} (PNG defines 0-4); the file is corrupt."),
                };
                current[i] = (byte)(line[i] + predictor);
            }
        }
        return output;
    }

    /// <summary>
    /// The Paeth predictor (PNG specification section 9.4): of a (left), b (above) and c (above-left), the one nearest
    /// to p = a + b - c, ties broken in the order a, b, c.
    /// </summary>
    public static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    private readonly record struct Header(int Width, int Height, int ColourType);

    private static Header ReadHeader(ReadOnlySpan<byte> data, string source)
    {
        if (data.Length != 13) throw new UserInputException($"'{source}': the IHDR chunk has {data.Length} bytes, not 13; the file is corrupt.");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data), height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int depth = data[8], colour = data[9], compression = data[10], filter = data[11], interlace = data[12];
        if (width == 0 || height == 0 || width > MaxSide || height > MaxSide)
            throw new UserInputException($"'{source}': image size {width}x{height} is outside 1..{MaxSide} pixels per side.");
        if (colour is not (0 or 2 or 3 or 4 or 6))
            throw new UserInputException($"'{source}': PNG colour type {colour} does not exist (0, 2, 3, 4 or 6); the file is corrupt.");
        if (depth != 8)
            throw new UserInputException($"'{source}': {depth}-bit PNG samples are not supported; only 8-bit images can be read (convert the image to 8 bits per sample).");
        if (compression != 0 || filter != 0)
            throw new UserInputException($"'{source}': unknown PNG compression method {compression} or filter method {filter}; the file is corrupt.");
        if (interlace != 0)
            throw new UserInputException($"'{source}': interlaced (Adam7) PNG is not supported; save the image without interlacing.");
        return new Header((int)width, (int)height, colour);
    }

    private static int SamplesPerPixel(int colourType) => colourType switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };

    private static byte[] Inflate(byte[] zlib, long expected, string source)
    {
        if (expected > int.MaxValue) throw new UserInputException($"'{source}': the image is too large to decode.");
        var raw = new byte[expected];
        try
        {
            using var z = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
            int read = 0;
            while (read < raw.Length)
            {
                int n = z.Read(raw, read, raw.Length - read);
                if (n == 0) break;
                read += n;
            }
            if (read < raw.Length)
                throw new UserInputException($"'{source}': the compressed image data is cut short ({read} of {expected} bytes); the file is truncated or corrupt.");
        }
        catch (InvalidDataException e)
        {
            throw new UserInputException($"'{source}': the compressed image data is corrupt ({e.Message.TrimEnd('.')}).");
        }
        return raw;
    }

    private static byte[] ToRgba(byte[] samples, Header h, byte[]? palette, byte[]? transparency, string source)
    {
        int n = h.Width * h.Height;
        var rgba = new byte[n * 4];
        for (int i = 0; i < n; i++)
        {
            byte r, g, b, a = 255;
            switch (h.ColourType)
            {
                case 0:
                    r = g = b = samples[i];
                    // tRNS for grey: one 2-byte sample value that is fully transparent (section 11.3.2.1).
                    if (transparency is { Length: >= 2 } && BinaryPrimitives.ReadUInt16BigEndian(transparency) == samples[i]) a = 0;
                    break;
                case 2:
                    r = samples[3 * i]; g = samples[3 * i + 1]; b = samples[3 * i + 2];
                    if (transparency is { Length: >= 6 } && BinaryPrimitives.ReadUInt16BigEndian(transparency) == r &&
                        BinaryPrimitives.ReadUInt16BigEndian(transparency.AsSpan(2)) == g && BinaryPrimitives.ReadUInt16BigEndian(transparency.AsSpan(4)) == b) a = 0;
                    break;
                case 3:
                    int index = samples[i];
                    if (3 * index + 2 >= palette!.Length)
                        throw new UserInputException($"'{source}': pixel {i} uses palette entry {index} but the palette has {palette.Length / 3}; the file is corrupt.");
                    r = palette[3 * index]; g = palette[3 * index + 1]; b = palette[3 * index + 2];
                    // tRNS for palettes: one alpha per entry, entries beyond it opaque (section 11.3.2.1).
                    if (transparency is not null && index < transparency.Length) a = transparency[index];
                    break;
                case 4:
                    r = g = b = samples[2 * i]; a = samples[2 * i + 1];
                    break;
                default:
                    r = samples[4 * i]; g = samples[4 * i + 1]; b = samples[4 * i + 2]; a = samples[4 * i + 3];
                    break;
            }
            rgba[4 * i] = r; rgba[4 * i + 1] = g; rgba[4 * i + 2] = b; rgba[4 * i + 3] = a;
        }
        return rgba;
    }
}

/// <summary>
/// CRC-32 as PNG uses it (PNG specification annex D: polynomial 0xEDB88320 in reflected form, register preset to all
/// ones and inverted at the end).
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }
}
