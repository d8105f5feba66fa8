using System.Text;
using System.Text.Json;

namespace GenomicCode.Core;

/// <summary>
/// JSON files that carry their own checksum: an object written with a last member
/// <c>"_integrity": { "format": 1, "xxh3": "16 hex digits" }</c>, the XXH3-64 of the compact form of every other
/// member (so re-indenting the file keeps it valid, changing a value does not). Run folders write their JSON this way;
/// readers verify it before using the file, and a file without the member (written by an older GenomicCode, or by hand)
/// is read as it is.
/// </summary>
public static class IntegrityJson
{
    /// <summary>The name of the member that holds the format and the checksum.</summary>
    public const string Member = "_integrity";

    /// <summary>The format of that member this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// Serialises <paramref name="value"/> (with <see cref="JsonSettings.Default"/> unless other options are given) as
    /// indented JSON; an object gets the integrity member as its last member, anything else is written plainly.
    /// </summary>
    public static string Serialize<T>(T value, JsonSerializerOptions? options = null)
    {
        var settings = options ?? JsonSettings.Default;
        var element = JsonSerializer.SerializeToElement(value, settings);
        if (element.ValueKind != JsonValueKind.Object) return JsonSerializer.Serialize(value, settings);
        ulong sum = Checksum.Of(Canonical(element));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = settings.Encoder }))
        {
            writer.WriteStartObject();
            foreach (var p in element.EnumerateObject())
                if (p.Name != Member) p.WriteTo(writer);
            writer.WriteStartObject(Member);
            writer.WriteNumber("format", FormatVersion);
            writer.WriteString("xxh3", Checksum.Hex(sum));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Verifies the checksum of <paramref name="text"/> when it has one and returns the text without the integrity member
    /// (line numbers of everything before it unchanged). A file that does not parse, or whose checksum does not match,
    /// is a one-line <see cref="UserInputException"/> naming <paramref name="source"/>.
    /// </summary>
    public static string Verify(string text, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, Lenient); }
        catch (JsonException e) { throw JsonSettings.Malformed(e, source, "JSON (the file is damaged)"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(Member, out var integrity)) return text;
            if (integrity.ValueKind != JsonValueKind.Object
                || !integrity.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Number
                || !integrity.TryGetProperty("xxh3", out var hex) || hex.ValueKind != JsonValueKind.String
                || !Checksum.TryParseHex(hex.GetString(), out ulong expected))
                throw new UserInputException($"{source}: its \"{Member}\" member is unreadable (damaged); restore the file, or remove that member to accept it as it is.");
            if (!format.TryGetInt32(out int version) || version != FormatVersion)
                throw new UserInputException($"{source}: integrity format {format.GetRawText()} is not one this GenomicCode reads ({FormatVersion}); update GenomicCode.");
            if (Checksum.Of(Canonical(doc.RootElement)) != expected)
                throw new UserInputException($"{source} does not match its checksum: it was damaged or edited after it was written; restore it, or remove its \"{Member}\" member to accept the edit.");
        }
        return Strip(text);
    }

    /// <summary>
    /// Removes the integrity member (without verifying it) from JSON text, keeping everything else byte for byte; text
    /// that does not parse or has no such member is returned as it is.
    /// </summary>
    public static string Strip(string text)
    {
        if (!text.Contains(Member, StringComparison.Ordinal)) return text;
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return text;
            long previousEnd = reader.BytesConsumed;
            bool first = true;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                long propertyStart = reader.TokenStartIndex;
                bool isIntegrity = reader.ValueTextEquals(Member);
                reader.Read();
                reader.Skip();
                long valueEnd = reader.BytesConsumed;
                if (isIntegrity)
                {
                    long cutStart = first ? propertyStart : previousEnd, cutEnd = valueEnd;
                    if (first && reader.Read() && reader.TokenType == JsonTokenType.PropertyName) cutEnd = reader.TokenStartIndex;
                    return Encoding.UTF8.GetString(bytes, 0, (int)cutStart) + Encoding.UTF8.GetString(bytes, (int)cutEnd, bytes.Length - (int)cutEnd);
                }
                previousEnd = valueEnd;
                first = false;
            }
        }
        catch (JsonException)
        {
            // Not JSON the reader can walk: leave it to the parser that reports line and field.
        }
        return text;
    }

    /// <summary>Compact UTF-8 of the object's members except the integrity member, in file order.</summary>
    private static byte[] Canonical(JsonElement root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var p in root.EnumerateObject())
                if (p.Name != Member) p.WriteTo(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
