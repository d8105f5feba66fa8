using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenomicCode.Core;

/// <summary>
/// The JSON settings of every file GenomicCode reads or writes (presets, run configs, options records, results):
/// camelCase, indented, unknown fields rejected, comments and trailing commas allowed. The reflection resolver is named
/// explicitly so the library also works in apps that switch reflection-based serialisation off by default (file-based
/// apps, <c>dotnet run app.cs</c>).
/// </summary>
public static class JsonSettings
{
    /// <summary>Settings for reading and writing GenomicCode's JSON files.</summary>
    public static JsonSerializerOptions Default { get; } = new()
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>
    /// The first sentence of a System.Text.Json message, without its "Path: $.x | LineNumber: 3 | ..." tail, on one line.
    /// </summary>
    public static string Reason(JsonException e)
    {
        string message = e.Message;
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        string s = cut > 0 ? message[..cut] : message;
        return s.ReplaceLineEndings(" ").Trim();
    }

    /// <summary>
    /// A one-line error for malformed JSON in <paramref name="source"/>: the line (1-based) and the field where reading
    /// stopped, and why.
    /// </summary>
    public static UserInputException Malformed(JsonException e, string source, string what)
    {
        string where = e.LineNumber is long line ? $"line {line + 1}" : "unknown line";
        string field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $", field '{e.Path.TrimStart('$', '.')}'";
        return new UserInputException($"{source}: malformed {what} at {where}{field}: {Reason(e)}", e);
    }
}
