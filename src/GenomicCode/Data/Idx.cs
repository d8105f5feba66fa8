using System.Buffers.Binary;
using System.IO.Compression;
using GenomicCode.Core;

namespace GenomicCode.Data;

/// <summary>An unsigned-byte array read from an IDX file: its dimensions and its values in row-major order.</summary>
/// <param name="Shape">Dimensions, outermost first (for MNIST images: count, rows, columns).</param>
/// <param name="Data">The product of <paramref name="Shape"/> bytes.</param>
public sealed record IdxArray(int[] Shape, byte[] Data);

/// <summary>
/// Reads the IDX format of the MNIST files (LeCun et al., "The MNIST database of handwritten digits", file-format
/// section): a 4-byte magic number (two zero bytes, a type code, the number of dimensions), one big-endian 32-bit size
/// per dimension, then the values in row-major order. Files may be gzip-compressed (read as such when they start with
/// the gzip magic 1f 8b). Only type 0x08 (unsigned byte), the type of every MNIST and Fashion-MNIST file, is read;
/// every other type and every corrupt or truncated file is a one-line error naming the file.
/// </summary>
public static class Idx
{
    /// <summary>The IDX type code of unsigned bytes.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>Reads an IDX file, gzip-compressed or not.</summary>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"file '{path}' does not exist.");
        using var file = File.OpenRead(path);
        bool gzip = file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
        file.Position = 0;
        try
        {
            if (!gzip) return Read(file, path);
            using var z = new GZipStream(file, CompressionMode.Decompress);
            return Read(z, path);
        }
        catch (InvalidDataException e)
        {
            throw new UserInputException($"'{path}': corrupt gzip data ({e.Message.TrimEnd('.')}); fetch the file again.");
        }
    }

    /// <summary>Reads an uncompressed IDX stream; <paramref name="source"/> names it in error messages.</summary>
    public static IdxArray Read(Stream stream, string source)
    {
        Span<byte> magic = stackalloc byte[4];
        if (ReadFully(stream, magic) < 4) throw new UserInputException($"'{source}': truncated IDX file (no 4-byte magic number).");
        if (magic[0] != 0 || magic[1] != 0)
            throw new UserInputException($"'{source}' is not an IDX file (its magic number does not start with two zero bytes).");
        if (magic[2] != UnsignedByte)
            throw new UserInputException($"'{source}': IDX type 0x{magic[2]:X2} ({TypeName(magic[2])}) is not supported; GenomicCode reads unsigned-byte (0x08) IDX files.");
        int dims = magic[3];
        if (dims is < 1 or > 8) throw new UserInputException($"'{source}': an IDX file with {dims} dimensions; expected 1 to 8.");
        var sizeBytes = new byte[4 * dims];
        if (ReadFully(stream, sizeBytes) < sizeBytes.Length)
            throw new UserInputException($"'{source}': truncated IDX file (the header ends inside the dimension sizes).");
        var shape = new int[dims];
        long count = 1;
        for (int d = 0; d < dims; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizeBytes.AsSpan(4 * d));
            if (size > int.MaxValue) throw new UserInputException($"'{source}': dimension {d} has {size} entries, too many to read.");
            shape[d] = (int)size;
            count *= size;
            if (count > Array.MaxLength) throw new UserInputException($"'{source}': the IDX header promises more values than an array holds ({string.Join(" x ", shape.Take(d + 1))}).");
        }
        var data = new byte[count];
        int read = ReadFully(stream, data);
        if (read < count)
            throw new UserInputException($"'{source}': truncated IDX file: the header promises {count} values ({string.Join(" x ", shape)}), the file holds {read}.");
        if (stream.ReadByte() != -1)
            throw new UserInputException($"'{source}': the IDX file has bytes after its {count} values ({string.Join(" x ", shape)}); the file is corrupt.");
        return new IdxArray(shape, data);
    }

    private static string TypeName(byte code) => code switch
    {
        0x08 => "unsigned byte", 0x09 => "signed byte", 0x0B => "16-bit integer", 0x0C => "32-bit integer",
        0x0D => "32-bit float", 0x0E => "64-bit float", _ => "not an IDX type",
    };

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
