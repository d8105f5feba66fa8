using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Models;
using GenomicCode.Regularizers;
using TorchSharp.Modules;

namespace GenomicCode.Training;

/// <summary>
/// Checkpoint files: a header (magic, format version, the model options as JSON, the step and the seed), the model's
/// parameters, the optimiser state and the regulariser's own state (if it has one, e.g. FactorVAE's discriminator) in
/// TorchSharp's binary format. Written to a temporary file and renamed, so a kill
/// mid-write never leaves a corrupt checkpoint.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "GENOMICCODE-CHECKPOINT";
    private const int FormatVersion = 1;

    /// <summary>What a checkpoint's header says.</summary>
    /// <param name="Model">Options of the model it holds.</param>
    /// <param name="Step">Steps completed when it was written.</param>
    /// <param name="Seed">Run seed.</param>
    public sealed record Header(ModelOptions Model, long Step, long Seed);

    /// <summary>Writes model and optimiser state atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, GenomeVae model, OptimizerHelper? optimizer, long step, long seed)
    {
        string temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new BinaryWriter(file))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(JsonSerializer.Serialize(model.Options, JsonSettings.Default));
            writer.Write(step);
            writer.Write(seed);
            model.save(writer);
            writer.Write(optimizer is not null);
            optimizer?.save_state_dict(writer);
            // Optional trailing block (absent in older checkpoints): the regulariser's own state.
            writer.Write(model.Regularizer is IStatefulRegularizer);
            (model.Regularizer as IStatefulRegularizer)?.SaveState(writer);
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads only the header, to check what a checkpoint holds before building a model.</summary>
    public static Header ReadHeader(string path)
    {
        using var reader = Open(path);
        return ReadHeader(reader, path);
    }

    /// <summary>
    /// Loads parameters (and optimiser state when both are present) into <paramref name="model"/>; a checkpoint of
    /// another model shape gets a one-line error naming the fields that differ.
    /// </summary>
    public static Header Load(string path, GenomeVae model, OptimizerHelper? optimizer)
    {
        using var reader = Open(path);
        var header = ReadHeader(reader, path);
        if (header.Model != model.Options)
            throw new UserInputException($"checkpoint '{path}' is for another model shape ({Differences(header.Model, model.Options)}); " +
                                         "use the preset it was trained with, or start a new run folder.");
        try
        {
            model.load(reader, strict: true);
            bool hasOptimizerState = reader.ReadBoolean();
            if (hasOptimizerState && optimizer is not null) optimizer.load_state_dict(reader);
            bool positioned = !hasOptimizerState || optimizer is not null;
            if (positioned && reader.BaseStream.Position < reader.BaseStream.Length && reader.ReadBoolean()
                && model.Regularizer is IStatefulRegularizer stateful)
                stateful.LoadState(reader);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or EndOfStreamException)
        {
            throw new UserInputException($"checkpoint '{path}' does not fit this model or is damaged: {e.Message.ReplaceLineEndings(" ")}");
        }
        return header;
    }

    private static BinaryReader Open(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"checkpoint '{path}' does not exist.");
        return new BinaryReader(File.OpenRead(path));
    }

    private static Header ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            if (reader.ReadString() != Magic) throw new UserInputException($"'{path}' is not a GenomicCode checkpoint.");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new UserInputException($"checkpoint '{path}' has format version {version}; this GenomicCode reads version {FormatVersion}.");
            var options = JsonSerializer.Deserialize<ModelOptions>(reader.ReadString(), JsonSettings.Default)
                ?? throw new UserInputException($"checkpoint '{path}' has no model options.");
            return new Header(options, reader.ReadInt64(), reader.ReadInt64());
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or JsonException or FormatException)
        {
            throw new UserInputException($"'{path}' is not a readable GenomicCode checkpoint ({e.GetType().Name}).");
        }
    }

    private static string Differences(ModelOptions stored, ModelOptions wanted)
    {
        var a = JsonSerializer.SerializeToElement(stored, JsonSettings.Default);
        var b = JsonSerializer.SerializeToElement(wanted, JsonSettings.Default);
        var diffs = a.EnumerateObject()
            .Where(p => b.TryGetProperty(p.Name, out var q) && p.Value.GetRawText() != q.GetRawText())
            .Select(p => $"{p.Name}: checkpoint {p.Value.GetRawText()}, model {b.GetProperty(p.Name).GetRawText()}");
        return string.Join("; ", diffs);
    }
}
