using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Runs;
using GenomicCode.Training;

namespace GenomicCode.Experiments;

/// <summary>
/// Pretrained models: lean run folders that ship weights instead of a training checkpoint (see
/// <see cref="PretrainedWeights"/>), with <c>config.json</c>, <c>evaluation.json</c>, a model card (<c>card.json</c> and
/// <c>README.md</c>: command, seed, steps, time, metrics with the interval of its setting over seeds) and a few figures.
/// Every verb that takes <c>--run</c> reads one through <see cref="TrainedRun.Load"/>.
/// </summary>
public static class PretrainedModel
{
    /// <summary>The card files of a pretrained model folder.</summary>
    public const string CardFile = "card.json", CardMarkdownFile = "README.md";

    /// <summary>Figures over this size are left out of a pretrained folder, to keep the repository lean.</summary>
    public const long MaxFigureBytes = 1L << 20;

    /// <summary>Figures (PNGs up to <see cref="MaxFigureBytes"/>) and, for runs whose genome is DNA, genome.fa, copied from the run folder when present.</summary>
    public static IReadOnlyList<string> Figures { get; } = new[]
    {
        "reconstructions.png", "traversals.png", "mutual_information.png", "training_curves.png", "development.png", "regulation.png", RunFolder.GenomeFile,
    };

    /// <summary>
    /// Packs the trained run <paramref name="run"/> (which must hold <c>evaluation.json</c>) into the new folder
    /// <paramref name="outFolder"/>; <paramref name="replicates"/> are evaluated runs of the same setting with other
    /// seeds, whose scores (with the run's own) give the card's mean and 95% interval per metric. The folder is written
    /// under a temporary name and renamed at the end, so a failure leaves nothing half-written; an existing folder is
    /// replaced only with <paramref name="force"/>.
    /// </summary>
    public static PretrainedCard Pack(string run, string outFolder, PretrainedCardText text, IReadOnlyList<string> replicates, bool force)
    {
        string target = Path.GetFullPath(outFolder).TrimEnd(Path.DirectorySeparatorChar);
        if (target == Path.GetFullPath(run).TrimEnd(Path.DirectorySeparatorChar))
            throw new UserInputException("--out must differ from --run: packing never changes the run it reads.");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !force)
            throw new UserInputException($"'{outFolder}' exists and is not empty; pass --force to replace it, or choose another --out.");
        string? parent = Path.GetDirectoryName(target);
        if (parent is not null && !Directory.Exists(parent))
            throw new UserInputException($"the folder of --out '{outFolder}' does not exist; create it first.");

        var own = ReadScores(run);
        var all = new List<(string Run, long Seed, IReadOnlyDictionary<string, double> Scores)>();
        using var loaded = TrainedRun.Load(run, "cpu");
        all.Add((run, loaded.Header.Seed, own));
        foreach (string other in replicates)
        {
            long seed = TrainedRun.ReadHeader(other).Seed;
            all.Add((other, seed, ReadScores(other)));
        }
        var duplicate = all.GroupBy(r => r.Seed).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new UserInputException($"the runs {string.Join(" and ", duplicate.Select(r => $"'{r.Run}'"))} share seed {duplicate.Key}; replicates need distinct seeds.");
        var shared = own.Keys.Where(k => all.All(r => r.Scores.ContainsKey(k))).Order(StringComparer.Ordinal);
        // An interval needs at least two runs; a model packed alone has none.
        var setting = all.Count < 2
            ? new Dictionary<string, MeanInterval>(StringComparer.Ordinal)
            : shared.ToDictionary(k => k, k => Statistics.TInterval(all.Select(r => r.Scores[k]).ToList()), StringComparer.Ordinal);

        var card = new PretrainedCard(
            Name: text.Name,
            Description: text.Description,
            Command: text.Command ?? $"genomic-code train --preset {Path.Combine(outFolder, RunFolder.ConfigFile)} --seed {loaded.Header.Seed} --out runs/{text.Name}",
            Seed: loaded.Header.Seed,
            Steps: loaded.Header.Step,
            TrainingSeconds: TrainingSeconds(run),
            Conditions: text.Conditions,
            Metrics: new SortedDictionary<string, double>(own.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal),
            EvaluationCommand: $"genomic-code evaluate --run {outFolder}" + (text.EvaluationArguments is { Length: > 0 } a ? " " + a : ""),
            SettingSeeds: all.Select(r => r.Seed).ToList(),
            SettingMetrics: setting,
            GenomicCode: NativeRuntime.LibraryVersion);

        string temporary = target + ".packing";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        Directory.CreateDirectory(temporary);
        try
        {
            PretrainedWeights.WriteWeights(loaded.Model, loaded.Header, Path.Combine(temporary, PretrainedWeights.WeightsFile));
            File.Copy(loaded.Run.File(RunFolder.ConfigFile), Path.Combine(temporary, RunFolder.ConfigFile));
            File.Copy(loaded.Run.File(RunFolder.EvaluationFile), Path.Combine(temporary, RunFolder.EvaluationFile));
            foreach (string figure in Figures)
                if (File.Exists(loaded.Run.File(figure)) && new FileInfo(loaded.Run.File(figure)).Length <= MaxFigureBytes)
                    File.Copy(loaded.Run.File(figure), Path.Combine(temporary, figure));
            ResultFile.Write(Path.Combine(temporary, CardFile), card);
            File.WriteAllText(Path.Combine(temporary, CardMarkdownFile), card.ToMarkdown());
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(temporary, target);
        }
        catch
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            throw;
        }
        return card;
    }

    /// <summary>Reads a pretrained model's card; a missing or damaged card gets a one-line error.</summary>
    public static PretrainedCard ReadCard(string folder)
    {
        string path = Path.Combine(folder, CardFile);
        if (!File.Exists(path)) throw new UserInputException($"'{folder}' has no {CardFile}; it is not a pretrained model folder (write one with `genomic-code weights pack`).");
        return ResultFile.Read<PretrainedCard>(path);
    }

    private static IReadOnlyDictionary<string, double> ReadScores(string run)
    {
        string path = Path.Combine(run, RunFolder.EvaluationFile);
        if (!File.Exists(path)) throw new UserInputException($"'{run}' has no {RunFolder.EvaluationFile}; measure it first (genomic-code evaluate --run {run}).");
        var scores = ResultFile.Read<EvaluationResult>(path).Scores;
        if (scores.Count == 0) throw new UserInputException($"'{path}' holds no scores; measure the run again (genomic-code evaluate --run {run}).");
        return scores;
    }

    /// <summary>The training time the run's metrics record: the largest elapsed_seconds in metrics.jsonl (0 if none).</summary>
    private static double TrainingSeconds(string run)
    {
        string path = Path.Combine(run, RunFolder.MetricsFile);
        if (!File.Exists(path)) return 0;
        double most = 0;
        foreach (string line in File.ReadLines(path))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("elapsed_seconds", out var e) && e.TryGetDouble(out double s)) most = Math.Max(most, s);
            }
            catch (JsonException) { }
        }
        return most;
    }
}

/// <summary>What a person writes on a pretrained model's card.</summary>
/// <param name="Name">Name of the model (its folder name under models/pretrained).</param>
/// <param name="Description">One paragraph: what the model is and what it shows.</param>
/// <param name="Command">The command that trained it (null: a command rebuilt from its config and seed).</param>
/// <param name="Conditions">Where it was trained: machine, threads, load.</param>
/// <param name="EvaluationArguments">Arguments of <c>genomic-code evaluate</c> that reproduce its scores (for example <c>--metrics mig,dci</c>).</param>
public sealed record PretrainedCardText(string Name, string Description, string? Command, string? Conditions, string? EvaluationArguments);

/// <summary>A pretrained model's card (card.json; README.md is the same as text).</summary>
/// <param name="Name">Name of the model.</param>
/// <param name="Description">What the model is and what it shows.</param>
/// <param name="Command">The command that trained it.</param>
/// <param name="Seed">Its training seed.</param>
/// <param name="Steps">Its training steps.</param>
/// <param name="TrainingSeconds">Wall time of its training as its metrics recorded it.</param>
/// <param name="Conditions">Where it was trained: machine, threads, load.</param>
/// <param name="Metrics">Its own scores (evaluation.json).</param>
/// <param name="EvaluationCommand">The command that reproduces <paramref name="Metrics"/>.</param>
/// <param name="SettingSeeds">Training seeds of the runs of the same setting (this one first).</param>
/// <param name="SettingMetrics">Mean and 95% interval (Student's t) of each score over those runs.</param>
/// <param name="GenomicCode">Version of the library that packed it.</param>
public sealed record PretrainedCard(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("steps")] long Steps,
    [property: JsonPropertyName("training_seconds")] double TrainingSeconds,
    [property: JsonPropertyName("conditions")] string? Conditions,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics,
    [property: JsonPropertyName("evaluation_command")] string EvaluationCommand,
    [property: JsonPropertyName("setting_seeds")] IReadOnlyList<long> SettingSeeds,
    [property: JsonPropertyName("setting_metrics")] IReadOnlyDictionary<string, MeanInterval> SettingMetrics,
    [property: JsonPropertyName("genomic_code")] string GenomicCode)
{
    /// <summary>The card as Markdown (the folder's README.md).</summary>
    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine($"# {Name}").AppendLine().AppendLine(Description).AppendLine();
        text.AppendLine("| | |").AppendLine("|---|---|");
        text.AppendLine($"| trained with | `{Command}` |");
        text.AppendLine($"| seed | {Seed} |");
        text.AppendLine($"| steps | {Steps.ToString("N0", c)} |");
        text.AppendLine($"| training time | {(TrainingSeconds / 60).ToString("F1", c)} min |");
        if (!string.IsNullOrWhiteSpace(Conditions)) text.AppendLine($"| conditions | {Conditions} |");
        text.AppendLine($"| scores reproduced by | `{EvaluationCommand}` |");
        text.AppendLine($"| GenomicCode | {GenomicCode} |").AppendLine();
        text.AppendLine($"| metric | this model (seed {Seed}) | setting: mean [95% interval], seeds {string.Join(", ", SettingSeeds)} |");
        text.AppendLine("|---|---|---|");
        foreach (var (name, value) in Metrics)
            text.AppendLine($"| {name} | {value.ToString("F3", c)} | {(SettingMetrics.TryGetValue(name, out var m) ? m.Format() : "-")} |");
        text.AppendLine().AppendLine("Files: `model.safetensors` (weights; model options, step and seed in its metadata), `config.json` (training " +
                                     "options), `evaluation.json` (scores), `card.json` (this card). Load it with any verb's `--run`, or " +
                                     "`TrainedRun.Load(folder, \"cpu\")` in C#.");
        return text.ToString();
    }
}
