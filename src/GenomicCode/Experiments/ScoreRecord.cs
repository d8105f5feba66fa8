using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenomicCode.Experiments;

/// <summary>
/// A result record whose metric scores are written as top-level keys of its JSON file (<c>"mig": 0.41</c> next to
/// <c>"run"</c>, <c>"step"</c>, ...), the form disentanglement_lib's result files and ours share. <see cref="Scores"/>
/// is the typed view; a score name must not be one of the record's own keys.
/// </summary>
public abstract record ScoreRecord
{
    private Dictionary<string, JsonElement>? json;

    /// <summary>The scores by name (for example <c>mig</c>, <c>dci_disentanglement</c>, <c>udr</c>).</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, double> Scores
    {
        // The file's checksum member (GenomicCode.Core.IntegrityJson.Member) lands among the extra keys; it is not a score.
        get => (json ?? new Dictionary<string, JsonElement>()).Where(p => p.Key != GenomicCode.Core.IntegrityJson.Member)
            .ToDictionary(p => p.Key, p => Number(p.Value), StringComparer.Ordinal);
        init => json = value.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value, ResultFile.Settings), StringComparer.Ordinal);
    }

    /// <summary>The scores as JSON values, for the serializer: they are read and written as the file's top-level keys.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ScoreValues
    {
        get => json;
        init => json = value;
    }

    private static double Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String => double.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture), // NaN, Infinity
        _ => throw new JsonException($"a score is a number, not {e.ValueKind}."),
    };
}
