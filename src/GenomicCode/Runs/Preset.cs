using System.Text.Json;
using System.Text.Json.Nodes;
using GenomicCode.Core;
using GenomicCode.Models;
using GenomicCode.Training;

namespace GenomicCode.Runs;

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
    /// Set for a Growing NCA preset (Mordvintsev et al. 2020; for example <c>emoji-growing-nca</c>): the preset then
    /// trains one automaton on one emoji target with the sample pool and damage (<see cref="GrowingNcaTrainer"/>), not a
    /// genome VAE, and <see cref="Model"/> is not used. Null (left out of the JSON) for genome VAE presets.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public GrowingNcaTrainingOptions? GrowingNca { get; init; }

    /// <summary>Whether this preset trains a Growing NCA (<see cref="GrowingNca"/> is set) rather than a genome VAE.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsGrowingNca => GrowingNca is not null;

    /// <summary>Validates both parts (and the Growing NCA part when there is one).</summary>
    public Preset Validate()
    {
        Model.Validate();
        Training.Validate();
        GrowingNca?.Validate(Training.BatchSize);
        return this;
    }

    /// <summary>
    /// Parses preset JSON; a malformed file or an unknown field becomes a one-line error naming the source, line and
    /// field. A model in the previous form (run folders written before components) is upgraded first
    /// (<see cref="ModelOptionsUpgrade"/>). A run's config.json fed back as a preset may carry its integrity
    /// member; it is ignored here (the user may have edited the file on purpose; <see cref="RunFolder.ReadConfig"/> verifies it).
    /// </summary>
    public static Preset Parse(string json, string source)
    {
        try
        {
            var preset = Read(IntegrityJson.Strip(json)) ?? throw new UserInputException($"{source}: the file is empty or 'null'; expected a preset object.");
            return preset.Validate();
        }
        catch (JsonException e)
        {
            throw JsonSettings.Malformed(e, source, "preset");
        }
        catch (UserInputException e) when (!e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw new UserInputException($"{source}: {e.Message}");
        }
    }

    private static Preset? Read(string json)
    {
        var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (node is JsonObject root && root["model"] is JsonObject model && ModelOptionsUpgrade.Upgrade(model))
            return root.Deserialize<Preset>(JsonSettings.Default);
        return JsonSerializer.Deserialize<Preset>(json, JsonSettings.Default); // from the text, so errors name its lines
    }

    /// <summary>
    /// Reads a preset from a JSON object (not validated), upgrading a model of the previous form first
    /// (<see cref="ModelOptionsUpgrade"/>); <paramref name="json"/> itself is left as it was. Unknown fields and names are a
    /// <see cref="JsonException"/>.
    /// </summary>
    public static Preset FromJson(JsonObject json)
    {
        var copy = (JsonObject)json.DeepClone();
        if (copy["model"] is JsonObject model) ModelOptionsUpgrade.Upgrade(model);
        return copy.Deserialize<Preset>(JsonSettings.Default) ?? throw new JsonException("a preset must be a JSON object.");
    }

    /// <summary>Serialises the preset as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonSettings.Default);
}
