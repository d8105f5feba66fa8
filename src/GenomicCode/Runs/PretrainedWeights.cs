using System.Globalization;
using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Interop;
using GenomicCode.Models;
using GenomicCode.Training;

namespace GenomicCode.Runs;

/// <summary>
/// The weights file of a pretrained model folder (GenomicCode.Experiments.PretrainedModel packs one): the model's
/// parameters as safetensors with PyTorch's dotted names, and in the header's metadata (checksummed) the model options,
/// step and seed that rebuild it. <see cref="TrainedRun.Load"/> reads such a folder when it holds no checkpoint; it
/// cannot be resumed (it keeps no optimiser state).
/// </summary>
public static class PretrainedWeights
{
    /// <summary>The weights file of a pretrained model folder.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Metadata keys of <see cref="WeightsFile"/> that rebuild the model.</summary>
    public const string ModelKey = "genomiccode.model", StepKey = "genomiccode.step", SeedKey = "genomiccode.seed", PresetKey = "genomiccode.preset";

    /// <summary>Whether <paramref name="folder"/> holds pretrained weights (and no checkpoint is needed).</summary>
    public static bool Holds(string folder) => File.Exists(Path.Combine(folder, WeightsFile));

    /// <summary>Writes <paramref name="model"/>'s parameters with the header that rebuilds it to <paramref name="path"/>.</summary>
    public static void WriteWeights(GenomeVae model, Checkpoint.Header header, string path)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            [ModelKey] = JsonSerializer.Serialize(header.Model, JsonSettings.Default),
            [StepKey] = header.Step.ToString(CultureInfo.InvariantCulture),
            [SeedKey] = header.Seed.ToString(CultureInfo.InvariantCulture),
            ["genomiccode.version"] = NativeRuntime.LibraryVersion,
        };
        if (header.Preset is not null) metadata[PresetKey] = header.Preset;
        SafeTensors.Save(model, path, metadata);
    }

    /// <summary>
    /// The header (model options, step, seed) stored in a pretrained model's weights; a file without them, or damaged,
    /// gets a one-line error naming it.
    /// </summary>
    public static Checkpoint.Header ReadHeader(string path)
    {
        var (tensors, metadata) = SafeTensors.Read(path);
        foreach (var t in tensors.Values) t.Dispose();
        string Need(string key) => metadata.TryGetValue(key, out var v)
            ? v
            : throw new UserInputException($"'{path}' has no '{key}' in its metadata, so the model cannot be rebuilt; write it with `genomic-code weights pack`.");
        ModelOptions model;
        try { model = ModelOptions.FromJson(Need(ModelKey)); }
        catch (JsonException e) { throw new UserInputException($"'{path}' is damaged: its model options do not parse ({JsonSettings.Reason(e)})."); }
        if (!long.TryParse(Need(StepKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out long step)
            || !long.TryParse(Need(SeedKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out long seed))
            throw new UserInputException($"'{path}' is damaged: its step or seed is not a whole number.");
        return new Checkpoint.Header(model, step, seed) { Preset = metadata.GetValueOrDefault(PresetKey) };
    }
}
