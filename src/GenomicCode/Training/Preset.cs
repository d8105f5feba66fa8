using System.Text.Json;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Models;

namespace GenomicCode.Training;

/// <summary>A named experiment: model shape plus training options, stored as JSON (see models/*.json).</summary>
public sealed record Preset
{
    /// <summary>Preset name.</summary>
    public string Name { get; init; } = "custom";

    /// <summary>What the preset is for, in a sentence.</summary>
    public string Description { get; init; } = "";

    /// <summary>The model.</summary>
    public ModelOptions Model { get; init; } = new();

    /// <summary>How to train it.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>
    /// JSON settings used for presets, configs and run records: camelCase, indented, unknown fields rejected. The
    /// reflection resolver is named explicitly so the library also works in apps that switch reflection-based
    /// serialisation off by default (file-based apps, `dotnet run app.cs`).
    /// </summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Validates both parts.</summary>
    public Preset Validate()
    {
        Model.Validate();
        Training.Validate();
        return this;
    }

    /// <summary>
    /// Parses preset JSON; a malformed file or an unknown field becomes a one-line error naming the source, line and
    /// field.
    /// </summary>
    public static Preset Parse(string json, string source)
    {
        try
        {
            var preset = JsonSerializer.Deserialize<Preset>(json, Json)
                ?? throw new UserInputException($"{source}: the file is empty or 'null'; expected a preset object.");
            return preset.Validate();
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $"line {line + 1}" : "unknown line";
            string field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $", field '{e.Path.TrimStart('$', '.')}'";
            string why = FirstSentence(e.Message);
            throw new UserInputException($"{source}: malformed preset at {where}{field}: {why}");
        }
        catch (UserInputException e) when (!e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw new UserInputException($"{source}: {e.Message}");
        }
    }

    /// <summary>Serialises the preset as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    private static string FirstSentence(string message)
    {
        // System.Text.Json messages end with "Path: $.x | LineNumber: 3 | BytePositionInLine: 9."; keep the reason only.
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        string s = cut > 0 ? message[..cut] : message;
        return s.ReplaceLineEndings(" ").Trim();
    }
}
