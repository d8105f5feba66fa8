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
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024; // the reference implementation's limit

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
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
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
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        int padded = (json.Length + 7) / 8 * 8;
        string temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            file.Write(length);
            file.Write(json);
            for (int i = json.Length; i < padded; i++) file.WriteByte((byte)' ');
            foreach (var b in blobs) file.Write(b);
        }
        File.Move(temp, path, overwrite: true);
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
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new UserInputException($"{where}: the header is not a JSON object.");
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (var m in entry.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                tensors[entry.Name] = ReadTensor(entry, all, dataStart, dataLength, where);
            }
        }
        return (tensors, metadata);
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
            || !e.TryGetProperty("data_offsets", out var off) || off.GetArrayLength() != 2)
            throw new UserInputException($"{where}: entry '{entry.Name}' needs dtype, shape and two data_offsets.");
        if (!Types.TryGetValue(dt.GetString() ?? "", out var type))
            throw new UserInputException($"{where}: entry '{entry.Name}' has dtype '{dt.GetString()}', not one of {string.Join(", ", Types.Keys)}.");
        long[] shape = sh.EnumerateArray().Select(x => x.GetInt64()).ToArray();
        long begin = off[0].GetInt64(), end = off[1].GetInt64();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (begin < 0 || end < begin || end > dataLength)
            throw new UserInputException($"{where}: entry '{entry.Name}' spans bytes [{begin}, {end}) of a {dataLength}-byte buffer.");
        if (shape.Any(d => d < 0) || count * type.Size != end - begin)
            throw new UserInputException($"{where}: entry '{entry.Name}' has shape [{string.Join(", ", shape)}] of {dt.GetString()} ({count * type.Size} bytes) but spans {end - begin} bytes.");
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
