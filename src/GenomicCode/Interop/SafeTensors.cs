using System.Buffers.Binary;
using System.Text.Json;
using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Interop;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face, "safetensors" specification): an 8-byte little-endian
/// header length N, N bytes of JSON mapping each tensor name to {dtype, shape, data_offsets [begin, end)} relative to
/// the byte buffer that follows (plus an optional "__metadata__" map of strings), then the little-endian tensor data.
/// PyTorch reads these files with <c>safetensors.torch.load_file</c>; module state uses PyTorch's dotted parameter names
/// (<c>encoder.features.0.weight</c>), so <c>model.load_state_dict(load_file(path))</c> works on a matching module.
/// Files written here carry their integrity in the metadata (plain strings, so other readers ignore it):
/// <c>genomiccode.format</c> (1), <c>genomiccode.data_xxh3</c> (XXH3-64 of the data buffer) and
/// <c>genomiccode.header_xxh3</c> (XXH3-64 of the padded header with that value's 16 digits read as zeros); the reader
/// verifies both before it builds any tensor. Files from elsewhere, without them, are read as they are.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024; // the reference implementation's limit

    /// <summary>Metadata keys of the integrity fields.</summary>
    public const string FormatKey = "genomiccode.format", DataChecksumKey = "genomiccode.data_xxh3", HeaderChecksumKey = "genomiccode.header_xxh3";

    private const string IntegrityFormat = "1";
    private static readonly byte[] HeaderChecksumField = System.Text.Encoding.ASCII.GetBytes($"\"{HeaderChecksumKey}\":\"");

    private static readonly Dictionary<string, (ScalarType Type, int Size)> Types = new()
    {
        ["F64"] = (ScalarType.Float64, 8), ["F32"] = (ScalarType.Float32, 4), ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2), ["I64"] = (ScalarType.Int64, 8), ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2), ["I8"] = (ScalarType.Int8, 1), ["U8"] = (ScalarType.Byte, 1), ["BOOL"] = (ScalarType.Bool, 1),
    };

    /// <summary>
    /// Writes tensors (any device; copied to the CPU) in name order, the header padded with spaces to a multiple of 8 bytes
    /// as the reference writer does. Written through a temporary file and a rename.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var blobs = new List<byte[]>(names.Count);
        var header = new Dictionary<string, object>();
        var meta = new Dictionary<string, string>();
        if (metadata is not null)
            foreach (var (k, v) in metadata)
                if (!k.StartsWith("genomiccode.", StringComparison.Ordinal) || k is not (FormatKey or DataChecksumKey or HeaderChecksumKey)) meta[k] = v;
        header["__metadata__"] = meta;
        long offset = 0;
        var dataHash = new System.IO.Hashing.XxHash3();
        foreach (string name in names)
        {
            if (name == "__metadata__") throw new UserInputException("'__metadata__' is reserved in safetensors and cannot name a tensor.");
            var t = tensors[name];
            string dtype = Types.FirstOrDefault(kv => kv.Value.Type == t.dtype).Key
                ?? throw new UserInputException($"tensor '{name}' has dtype {t.dtype}, which safetensors cannot store.");
            byte[] bytes = Bytes(t);
            header[name] = new Dictionary<string, object> { ["dtype"] = dtype, ["shape"] = t.shape, ["data_offsets"] = new[] { offset, offset + bytes.Length } };
            offset += bytes.Length;
            blobs.Add(bytes);
            dataHash.Append(bytes);
        }
        meta[FormatKey] = IntegrityFormat;
        meta[DataChecksumKey] = Checksum.Hex(dataHash.GetCurrentHashAsUInt64());
        meta[HeaderChecksumKey] = new string('0', 16);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        int padded = (json.Length + 7) / 8 * 8;
        var headerBytes = new byte[padded];
        json.CopyTo(headerBytes, 0);
        headerBytes.AsSpan(json.Length).Fill((byte)' ');
        int field = HeaderChecksumPosition(headerBytes) ?? throw new InvalidOperationException("the header checksum field was not written.");
        System.Text.Encoding.ASCII.GetBytes(Checksum.Hex(Checksum.Of(headerBytes)), headerBytes.AsSpan(field, 16));
        AtomicFile.Write(path, file =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            file.Write(length);
            file.Write(headerBytes);
            foreach (var b in blobs) file.Write(b);
        });
    }

    /// <summary>Where the 16 digits of the header checksum start in a header, or null when it has none.</summary>
    private static int? HeaderChecksumPosition(ReadOnlySpan<byte> header)
    {
        int at = header.IndexOf(HeaderChecksumField);
        return at < 0 || at + HeaderChecksumField.Length + 16 > header.Length ? null : at + HeaderChecksumField.Length;
    }

    /// <summary>
    /// Verifies the integrity fields of a file written here (nothing for files without them): the header, then the data.
    /// </summary>
    private static void VerifyIntegrity(byte[] all, int headerLength, Dictionary<string, string> metadata, string path)
    {
        bool any = metadata.ContainsKey(FormatKey) || metadata.ContainsKey(DataChecksumKey) || metadata.ContainsKey(HeaderChecksumKey);
        if (!any) return;
        string damaged = $"'{path}' is damaged";
        if (!metadata.TryGetValue(FormatKey, out var format) || format != IntegrityFormat)
            throw new UserInputException($"{damaged}: its integrity format '{format}' is not {IntegrityFormat}; write it again with `genomic-code weights export`.");
        if (!Checksum.TryParseHex(metadata.GetValueOrDefault(DataChecksumKey), out ulong data)
            || !Checksum.TryParseHex(metadata.GetValueOrDefault(HeaderChecksumKey), out ulong head))
            throw new UserInputException($"{damaged}: its checksums are unreadable; write it again with `genomic-code weights export`.");
        var header = all.AsSpan(8, headerLength).ToArray();
        int field = HeaderChecksumPosition(header) ?? throw new UserInputException($"{damaged}: its header checksum is missing; write it again with `genomic-code weights export`.");
        header.AsSpan(field, 16).Fill((byte)'0');
        if (Checksum.Of(header) != head) throw new UserInputException($"{damaged}: its header fails its checksum; write it again with `genomic-code weights export`.");
        if (Checksum.Of(all.AsSpan(8 + headerLength)) != data)
            throw new UserInputException($"{damaged} or truncated: its tensor data fail their checksum; write it again with `genomic-code weights export`.");
    }

    /// <summary>
    /// Reads every tensor of a safetensors file onto the CPU. A malformed file (header length past the end, bad JSON,
    /// unknown dtype, offsets outside the data or not matching the shape) gets a one-line error naming the problem.
    /// </summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"safetensors file '{path}' does not exist.");
        byte[] all = File.ReadAllBytes(path);
        string where = $"'{path}' is not a valid safetensors file";
        if (all.Length < 8) throw new UserInputException($"{where}: it is {all.Length} bytes long, shorter than the 8-byte header length.");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(all);
        if (n > (ulong)MaxHeaderBytes || 8 + (long)n > all.Length)
            throw new UserInputException($"{where}: the header claims {n} bytes but the file has {all.Length - 8} after the length.");
        int dataStart = 8 + (int)n;
        long dataLength = all.Length - dataStart;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(all.AsMemory(8, (int)n)); }
        catch (JsonException e) { throw new UserInputException($"{where}: its JSON header does not parse ({e.Message.Split('.')[0]})."); }
        var tensors = new Dictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        try
        {
            ReadEntries(doc, all, (int)n, dataStart, dataLength, path, where, tensors, metadata);
        }
        catch (InvalidOperationException e)
        {
            // Names or strings that are not valid UTF-8, or values of the wrong JSON kind, in a damaged header.
            throw new UserInputException($"{where}: its JSON header is damaged ({e.Message.ReplaceLineEndings(" ").TrimEnd('.')}).");
        }
        return (tensors, metadata);
    }

    private static void ReadEntries(JsonDocument doc, byte[] all, int n, int dataStart, long dataLength, string path, string where,
        Dictionary<string, Tensor> tensors, Dictionary<string, string> metadata)
    {
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new UserInputException($"{where}: the header is not a JSON object.");
            if (doc.RootElement.TryGetProperty("__metadata__", out var meta))
            {
                if (meta.ValueKind != JsonValueKind.Object) throw new UserInputException($"{where}: '__metadata__' is not an object of strings.");
                foreach (var m in meta.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString() ?? ""
                        : throw new UserInputException($"{where}: metadata '{m.Name}' is not a string.");
            }
            VerifyIntegrity(all, n, metadata, path);
            try
            {
                foreach (var entry in doc.RootElement.EnumerateObject())
                    if (entry.Name != "__metadata__") tensors[entry.Name] = ReadTensor(entry, all, dataStart, dataLength, where);
            }
            catch
            {
                foreach (var t in tensors.Values) t.Dispose();
                tensors.Clear();
                throw;
            }
        }
    }

    /// <summary>Writes a module's parameters and buffers (its state dict) with PyTorch's dotted names.</summary>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        // state_dict hands out the module's own tensors: read them, never dispose them.
        var state = module.state_dict();
        Write(path, state.ToDictionary(kv => kv.Key, kv => kv.Value), metadata);
    }

    /// <summary>Loads a safetensors file into a module; every mismatch is listed (see <see cref="StateDicts.Apply"/>).</summary>
    public static void Load(nn.Module module, string path)
    {
        var (tensors, _) = Read(path);
        try { StateDicts.Apply(module, tensors, path); }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
    }

    private static Tensor ReadTensor(JsonProperty entry, byte[] all, int dataStart, long dataLength, string where)
    {
        var e = entry.Value;
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("dtype", out var dt) || !e.TryGetProperty("shape", out var sh)
            || !e.TryGetProperty("data_offsets", out var off) || dt.ValueKind != JsonValueKind.String || sh.ValueKind != JsonValueKind.Array
            || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new UserInputException($"{where}: entry '{entry.Name}' needs dtype, shape and two data_offsets.");
        if (!Types.TryGetValue(dt.GetString() ?? "", out var type))
            throw new UserInputException($"{where}: entry '{entry.Name}' has dtype '{dt.GetString()}', not one of {string.Join(", ", Types.Keys)}.");
        if (sh.GetArrayLength() > 64 || sh.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number || !x.TryGetInt64(out long d) || d < 0)
            || off.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number || !x.TryGetInt64(out _)))
            throw new UserInputException($"{where}: entry '{entry.Name}' needs a shape of whole numbers >= 0 and whole-number data_offsets.");
        long[] shape = sh.EnumerateArray().Select(x => x.GetInt64()).ToArray();
        long begin = off[0].GetInt64(), end = off[1].GetInt64();
        if (begin < 0 || end < begin || end > dataLength)
            throw new UserInputException($"{where}: entry '{entry.Name}' spans bytes [{begin}, {end}) of a {dataLength}-byte buffer.");
        long bytesNeeded;
        try { bytesNeeded = checked(shape.Aggregate(1L, (a, b) => a * b) * type.Size); }
        catch (OverflowException) { bytesNeeded = -1; }
        if (bytesNeeded != end - begin)
            throw new UserInputException($"{where}: entry '{entry.Name}' has shape [{string.Join(", ", shape)}] of {dt.GetString()} but spans {end - begin} bytes.");
        var bytes = new byte[end - begin];
        Array.Copy(all, dataStart + begin, bytes, 0, bytes.Length);
        // Raw little-endian bytes straight into a CPU tensor of the stored dtype and shape.
        var tensor = torch.empty(shape, dtype: type.Type);
        tensor.bytes = bytes;
        return tensor;
    }

    private static byte[] Bytes(Tensor t)
    {
        using var cpu = t.detach().to(torch.CPU).contiguous();
        return cpu.bytes.ToArray();
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };
}
