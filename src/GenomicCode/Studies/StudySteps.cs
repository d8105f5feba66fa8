using System.Text.Json;
using System.Text.Json.Nodes;
using GenomicCode.Core;

namespace GenomicCode.Studies;

/// <summary>
/// A measurement taken on a trained run folder (one implementation per kind: evaluate, analyze, ...). It checks its
/// options when the study file is read, measures, and returns the scalars that go into the study table.
/// </summary>
public interface IRunMeasurement
{
    /// <summary>The kind named in study files, e.g. <c>evaluate</c>.</summary>
    string Kind { get; }

    /// <summary>What it measures, in a line (listed when a study names an unknown kind).</summary>
    string Summary { get; }

    /// <summary>Checks <paramref name="options"/> (null: defaults); throws a one-line <see cref="UserInputException"/> naming the bad option.</summary>
    void Validate(JsonObject? options);

    /// <summary>
    /// Measures the trained run in <paramref name="runFolder"/>, writing its own files there, and returns named scalars
    /// (scores, summaries) for the study table. A failure throws.
    /// </summary>
    IReadOnlyDictionary<string, double> Measure(string runFolder, JsonObject? options, CancellationToken cancellationToken);
}

/// <summary>Trains (or resumes) one run of a study into its run folder.</summary>
public interface IRunTrainer
{
    /// <summary>
    /// Trains the preset in <paramref name="presetFile"/> into <paramref name="runFolder"/>, resuming from its
    /// checkpoint when it holds one; throws on failure and <see cref="OperationCanceledException"/> when stopped.
    /// </summary>
    void Train(string runFolder, string presetFile, CancellationToken cancellationToken);
}

/// <summary>
/// A measurement over the runs of one setting that differ only in seed (UDR: Duan et al. 2020), taken when the study
/// is reported.
/// </summary>
public interface ISettingMeasurement
{
    /// <summary>Column name in the study table, e.g. <c>udr</c>.</summary>
    string Name { get; }

    /// <summary>One score per run folder, in order; needs at least two folders.</summary>
    IReadOnlyList<double> Measure(IReadOnlyList<string> runFolders, long seed, CancellationToken cancellationToken);
}

/// <summary>Reads a measurement's options into its own options record with the preset JSON rules (unknown options refused).</summary>
public static class MeasurementOptions
{
    /// <summary>
    /// Deserialises <paramref name="options"/> (null: a default record) into <typeparamref name="T"/>; an unknown or
    /// mistyped option is a one-line <see cref="UserInputException"/> naming it.
    /// </summary>
    public static T Read<T>(JsonObject? options, string kind) where T : new()
    {
        if (options is null) return new T();
        try
        {
            return options.Deserialize<T>(JsonSettings.Default) ?? new T();
        }
        catch (JsonException e)
        {
            string field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" option '{e.Path.TrimStart('$', '.')}':";
            throw new UserInputException($"measurement '{kind}':{field} {JsonSettings.Reason(e)}");
        }
    }
}
