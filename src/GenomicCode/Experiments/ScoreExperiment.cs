using System.Diagnostics;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Metrics;

namespace GenomicCode.Experiments;

/// <summary>Settings of <see cref="ScoreExperiment"/>: code files from any framework and the metrics to score them with.</summary>
public sealed record ScoreOptions : IComponentOptions
{
    /// <summary>Codes, one row per sample: .npy (float32/float64) or .csv.</summary>
    public string? Codes { get; init; }

    /// <summary>Ground-truth factors, one row per sample, one integer column per factor: .npy or .csv.</summary>
    public string? Factors { get; init; }

    /// <summary>Metrics that score codes paired with factors (mig, dci, sap, modularity); null or empty for all four. Default null.</summary>
    public IReadOnlyList<string>? Metrics { get; init; }

    /// <inheritdoc />
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Codes)) throw new UserInputException("Codes is required: a .npy or .csv file of codes, one row per sample.");
        if (string.IsNullOrWhiteSpace(Factors)) throw new UserInputException("Factors is required: a .npy or .csv file of integer factors, one row per sample.");
        ScoreExperiment.CodeMetrics(Metrics);
    }
}

/// <summary>
/// What <see cref="ScoreExperiment"/> measured: one flat JSON object, the scores next to the split sizes. It holds no
/// timings, so the same codes give the same file whatever their format.
/// </summary>
/// <param name="NumTrain">Rows used to fit (the first half).</param>
/// <param name="NumTest">Rows held out (the second half).</param>
/// <param name="CodeSize">Code dimensions.</param>
/// <param name="FactorCount">Factors.</param>
public sealed record ScoreResult(
    [property: JsonPropertyName("num_train")] int NumTrain,
    [property: JsonPropertyName("num_test")] int NumTest,
    [property: JsonPropertyName("code_size")] int CodeSize,
    [property: JsonPropertyName("factor_count")] int FactorCount) : ScoreRecord, IExperimentResult
{
    /// <summary>Seconds each metric took (for display; not written to the file).</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, double> Seconds { get; init; } = new Dictionary<string, double>();
}

/// <summary>
/// Scores codes produced by any framework against ground-truth factors with the metrics that need only codes paired with
/// factors (MIG, DCI, SAP, modularity and explicitness); the first half of the rows fits, the second half tests.
/// </summary>
public static class ScoreExperiment
{
    /// <summary>The catalogue entry <c>score</c>.</summary>
    public static ExperimentEntry Entry { get; } = new ExperimentEntry<ScoreOptions, ScoreResult>("score",
        "Scores codes from any framework (NPY or CSV files) against ground-truth factors: MIG, DCI, SAP, modularity, explicitness.",
        "Locatello et al. 2019 (disentanglement_lib)", "scores.json", Run);

    /// <summary>Reads the files of <paramref name="options"/> and scores them.</summary>
    public static ScoreResult Run(ScoreOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        var metrics = CodeMetrics(options.Metrics);
        var all = CodeFiles.Load(options.Codes!, options.Factors!);
        var (train, test) = CodeFiles.SplitHalves(all);
        var steps = new StepCounter(progress, metrics.Count);
        var scores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var seconds = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            foreach (var (name, value) in metric.Score(train, test, seed)) scores[name] = value;
            seconds[metric.Name] = watch.Elapsed.TotalSeconds;
            steps.Advance($"{metric.Name}: {seconds[metric.Name]:F1} s");
        }
        return new ScoreResult(train.Count, test.Count, all.CodeSize, all.FactorCount) { Scores = scores, Seconds = seconds };
    }

    /// <summary>
    /// The metrics named (null or empty: every code metric); a metric that needs to sample the data is a one-line error
    /// pointing to <c>genomic-code evaluate</c>.
    /// </summary>
    public static IReadOnlyList<ICodeMetric> CodeMetrics(IReadOnlyList<string>? names)
    {
        var metrics = MetricCatalog.Parse(names is { Count: > 0 } ? string.Join(",", names) : null, MetricCatalog.CodeMetricNames);
        foreach (var m in metrics)
            if (m is not ICodeMetric)
                throw new UserInputException($"metric '{m.Name}' needs to sample the data (interventions); score supports {string.Join(", ", MetricCatalog.CodeMetricNames)}; use `genomic-code evaluate` for it.");
        return metrics.Cast<ICodeMetric>().ToArray();
    }
}
