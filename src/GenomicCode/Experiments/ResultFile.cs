using System.Text.Json;
using GenomicCode.Core;

namespace GenomicCode.Experiments;

/// <summary>
/// Writes and reads experiment result records as JSON files: <see cref="JsonSettings.Default"/>, plus NaN and infinities
/// written as the strings "NaN", "Infinity" and "-Infinity" (an undefined measurement stays in the file instead of failing
/// the write). Writes are atomic (<see cref="AtomicFile"/>): a reader never sees half a file, and a failed write leaves the
/// previous file as it was.
/// </summary>
public static class ResultFile
{
    /// <summary>The JSON settings of result files.</summary>
    public static JsonSerializerOptions Settings { get; } = new(JsonSettings.Default)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// The JSON text of a result record (its runtime type decides the fields), ending with its checksum
    /// (<see cref="IntegrityJson"/>), which <see cref="Read"/> verifies.
    /// </summary>
    public static string ToJson(object record) => IntegrityJson.Serialize(record, Settings);

    /// <summary>Writes <paramref name="record"/> to <paramref name="path"/> (folders created); returns the full path.</summary>
    public static string Write(string path, object record)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        AtomicFile.WriteAllText(full, ToJson(record));
        return full;
    }

    /// <summary>Reads a result record of type <typeparamref name="T"/>; a missing or malformed file is a one-line error.</summary>
    public static T Read<T>(string path) => (T)Read(path, typeof(T));

    /// <summary>Reads a result record of type <paramref name="type"/>; a missing or malformed file is a one-line error.</summary>
    public static object Read(string path, Type type)
    {
        if (!File.Exists(path)) throw new UserInputException($"result file '{path}' does not exist.");
        try
        {
            return JsonSerializer.Deserialize(IntegrityJson.Verify(File.ReadAllText(path), path), type, Settings)
                ?? throw new UserInputException($"{path}: the file holds null, not a {type.Name}.");
        }
        catch (JsonException e)
        {
            throw JsonSettings.Malformed(e, path, type.Name);
        }
    }
}
