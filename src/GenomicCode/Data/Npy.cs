using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GenomicCode.Core;

namespace GenomicCode.Data;

/// <summary>A numeric array read from a file: its shape, numpy dtype string and values in row-major (C) order.</summary>
/// <param name="Shape">Dimensions.</param>
/// <param name="Descr">numpy dtype string, for example <c>&lt;f4</c>; <c>csv</c> for text files.</param>
/// <param name="Values">Values as doubles, row-major.</param>
public sealed record NumericArray(long[] Shape, string Descr, double[] Values)
{
    /// <summary>Whether the stored type is an integer or boolean type.</summary>
    public bool IsIntegerType => Descr.Length >= 2 && Descr[^2] is 'i' or 'u' or 'b';

    /// <summary>The array as a matrix: a 1-D array becomes one column; more than 2 dimensions are refused.</summary>
    public double[,] ToMatrix(string source)
    {
        if (Shape.Length is 0 or > 2)
            throw new UserInputException($"{source}: expected a 1-D or 2-D array (rows x columns), got shape ({string.Join(", ", Shape)}).");
        long rows = Shape[0], cols = Shape.Length == 2 ? Shape[1] : 1;
        var m = new double[rows, cols];
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++) m[i, j] = Values[i * cols + j];
        return m;
    }
}

/// <summary>
/// Reads and writes numpy's NPY format (format versions 1.0-3.0, little- or big-endian integers, floats and booleans;
/// C or Fortran order), as specified in numpy's "NEP 1: a simple file format for NumPy arrays".
/// </summary>
public static class Npy
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    /// <summary>Reads an NPY file; a malformed file or an unsupported dtype is a one-line error naming the file.</summary>
    public static NumericArray Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"file '{path}' does not exist.");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new UserInputException($"'{path}' is not an NPY file (no \\x93NUMPY magic); write it with numpy.save or pass a .csv file.");
        int major = bytes[6];
        int headerLength, offset;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)); offset = 10; }
        else if (major is 2 or 3) { headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)); offset = 12; }
        else throw new UserInputException($"'{path}': NPY format version {major} is not supported (1, 2 or 3).");
        if (headerLength < 0 || offset + (long)headerLength > bytes.Length) throw new UserInputException($"'{path}': the NPY header is cut short.");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, offset, headerLength);
        string descr = Field(header, "descr", path);
        bool fortran = Field(header, "fortran_order", path) == "True";
        var shape = ParseShape(Field(header, "shape", path), path);
        var (kind, size, bigEndian) = ParseDescr(descr, path);
        int data = offset + headerLength;
        long count;
        try { count = checked(shape.Aggregate(1L, (a, b) => a * b)); }
        catch (OverflowException) { count = long.MaxValue; }
        if (count > (bytes.Length - data) / size)
            throw new UserInputException($"'{path}': holds {(bytes.Length - data) / size} values but its shape ({string.Join(", ", shape)}) needs {count}.");
        var values = new double[count];
        for (long i = 0; i < count; i++) values[i] = Decode(bytes.AsSpan((int)(data + i * size), size), kind, bigEndian);
        if (fortran && shape.Length == 2) values = Transpose(values, shape[0], shape[1]);
        else if (fortran && shape.Length > 2) throw new UserInputException($"'{path}': Fortran-ordered arrays with more than 2 dimensions are not supported.");
        return new NumericArray(shape, descr, values);
    }

    /// <summary>Writes a matrix as a little-endian float64 NPY file (format 1.0).</summary>
    public static void Write(string path, double[,] values) =>
        Write(path, "<f8", values.GetLength(0), values.GetLength(1), values.Cast<double>().SelectMany(v => BitConverter.GetBytes(v)).ToArray());

    /// <summary>Writes a matrix as a little-endian float32 NPY file (format 1.0).</summary>
    public static void Write(string path, float[,] values) =>
        Write(path, "<f4", values.GetLength(0), values.GetLength(1), values.Cast<float>().SelectMany(v => BitConverter.GetBytes(v)).ToArray());

    /// <summary>Writes a matrix as a little-endian int64 NPY file (format 1.0).</summary>
    public static void Write(string path, int[,] values) =>
        Write(path, "<i8", values.GetLength(0), values.GetLength(1), values.Cast<int>().SelectMany(v => BitConverter.GetBytes((long)v)).ToArray());

    private static void Write(string path, string descr, int rows, int cols, byte[] data)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("NPY writing assumes a little-endian machine.");
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {cols}), }}";
        // Pad with spaces so magic + version + length + header (ending in a newline) is a multiple of 64 bytes.
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        using var file = new MemoryStream();
        file.Write(Magic);
        file.WriteByte(1);
        file.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        file.Write(len);
        file.Write(Encoding.Latin1.GetBytes(header));
        file.Write(data);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        AtomicFile.WriteAllBytes(path, file.ToArray());
    }

    private static string Field(string header, string name, string path)
    {
        var m = Regex.Match(header, $"'{name}'\\s*:\\s*('([^']*)'|\\(([^)]*)\\)|True|False)");
        if (!m.Success) throw new UserInputException($"'{path}': the NPY header has no '{name}' field.");
        if (m.Groups[2].Success) return m.Groups[2].Value;
        if (m.Groups[3].Success) return m.Groups[3].Value;
        return m.Groups[1].Value;
    }

    private static long[] ParseShape(string text, string path)
    {
        try
        {
            var shape = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => long.Parse(s.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
            return shape.Length <= 32 ? shape : throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UserInputException($"'{path}': cannot read the NPY shape '({text})'.");
        }
    }

    private static (char Kind, int Size, bool BigEndian) ParseDescr(string descr, string path)
    {
        var m = Regex.Match(descr, "^([<>|=])([fiub])(\\d+)$");
        if (!m.Success) throw new UserInputException($"'{path}': dtype '{descr}' is not supported; save codes as float32/float64 and factors as integers.");
        char kind = m.Groups[2].Value[0];
        bool ok = int.TryParse(m.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int size) && kind switch { 'f' => size is 4 or 8, 'i' or 'u' => size is 1 or 2 or 4 or 8, _ => size == 1 };
        if (!ok) throw new UserInputException($"'{path}': dtype '{descr}' is not supported; save codes as float32/float64 and factors as integers.");
        return (kind, size, m.Groups[1].Value == ">");
    }

    private static double Decode(ReadOnlySpan<byte> b, char kind, bool big) => (kind, b.Length) switch
    {
        ('f', 4) => big ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
        ('f', 8) => big ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b),
        ('i', 1) => (sbyte)b[0],
        ('i', 2) => big ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
        ('i', 4) => big ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
        ('i', 8) => big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
        ('u', 1) or ('b', 1) => b[0],
        ('u', 2) => big ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
        ('u', 4) => big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
        ('u', 8) => big ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b),
        _ => throw new InvalidOperationException("unreachable dtype"),
    };

    private static double[] Transpose(double[] columnMajor, long rows, long cols)
    {
        var r = new double[columnMajor.Length];
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++) r[i * cols + j] = columnMajor[j * rows + i];
        return r;
    }
}

/// <summary>Reads numeric CSV files (comma, semicolon, tab or space separated; an optional header line of names).</summary>
public static class CsvMatrix
{
    /// <summary>Reads a CSV file into a matrix; a ragged row or a non-number is a one-line error naming line and column.</summary>
    public static NumericArray Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"file '{path}' does not exist.");
        var rows = new List<double[]>();
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var cells = line.Split(new[] { ',', ';', '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var values = new double[cells.Length];
            bool numeric = true;
            for (int j = 0; j < cells.Length && numeric; j++)
                numeric = double.TryParse(cells[j], NumberStyles.Float, CultureInfo.InvariantCulture, out values[j]);
            if (!numeric)
            {
                if (rows.Count == 0) continue; // header line of names
                int bad = Array.FindIndex(cells, c => !double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                throw new UserInputException($"{path}: line {lineNo} column {bad}: '{cells[bad]}' is not a number.");
            }
            if (rows.Count > 0 && values.Length != rows[0].Length)
                throw new UserInputException($"{path}: line {lineNo} has {values.Length} columns, the first row has {rows[0].Length}.");
            rows.Add(values);
        }
        if (rows.Count == 0) throw new UserInputException($"{path}: no numeric rows.");
        int cols = rows[0].Length;
        return new NumericArray(new long[] { rows.Count, cols }, "csv", rows.SelectMany(r => r).ToArray());
    }
}
