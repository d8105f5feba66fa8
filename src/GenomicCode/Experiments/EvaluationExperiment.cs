using System.Diagnostics;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Latent;
using GenomicCode.Metrics;
using GenomicCode.Runs;
using TorchSharp;

namespace GenomicCode.Experiments;

/// <summary>Settings of <see cref="EvaluationExperiment"/>: which metrics, on how many points, of which representation.</summary>
public sealed record EvaluationOptions : IComponentOptions
{
    /// <summary>The run folder to evaluate (for <c>Run(options, seed, ...)</c>).</summary>
    public string? Run { get; init; }

    /// <summary>
    /// Other run folders of the same model trained with other seeds: with at least one, the UDR score (Duan et al. 2020)
    /// of <see cref="Run"/> among them is added. Default none.
    /// </summary>
    public IReadOnlyList<string> Runs { get; init; } = Array.Empty<string>();

    /// <summary>Device: cpu, cuda, cuda:N or auto; null takes the run's own setting. Default null.</summary>
    public string? Device { get; init; }

    /// <summary>Metric names (beta-vae, factor-vae, mig, dci, sap, modularity); null or empty for every metric. Default null.</summary>
    public IReadOnlyList<string>? Metrics { get; init; }

    /// <summary>Measure one posterior sample per observation instead of the posterior mean (disentanglement_lib's default). Default false.</summary>
    public bool Samples { get; init; }

    /// <summary>Training points per metric (also FactorVAE's variance estimate), >= 2; null: 10000 (disentanglement_lib). Default null.</summary>
    public int? NumTrain { get; init; }

    /// <summary>Held-out points per metric, >= 2; null: 5000 (disentanglement_lib). Default null.</summary>
    public int? NumTest { get; init; }

    /// <summary>Training points of the BetaVAE and FactorVAE scores only (held-out: half), >= 2; null: <see cref="NumTrain"/>. Default null.</summary>
    public int? NumVotes { get; init; }

    /// <summary>
    /// Also measure the importance-weighted log-likelihood bound (Burda et al. 2016, eq. 8) of held-out images, in nats
    /// per image (<see cref="Models.ImportanceWeighted"/>). With it, the disentanglement metrics run only when
    /// <see cref="Metrics"/> names them. Default false.
    /// </summary>
    public bool LogLikelihood { get; init; }

    /// <summary>K, importance samples per image of the log-likelihood bound (1..100000). Default 128 (Burda et al. 2016; Palm et al. 2022).</summary>
    public int ImportanceSamples { get; init; } = 128;

    /// <summary>
    /// Held-out images the log-likelihood is averaged over (>= 1): that many of the test split of a labelled image set,
    /// evenly spaced over it (all of it when null), or this many images sampled from a procedural world (1000 when null). Default null.
    /// </summary>
    public int? LikelihoodImages { get; init; }

    /// <inheritdoc />
    public void Validate()
    {
        if (ImportanceSamples < 1 || ImportanceSamples > 100_000) throw new UserInputException($"ImportanceSamples must be in [1, 100000], got {ImportanceSamples}.");
        if (LikelihoodImages is < 1) throw new UserInputException($"LikelihoodImages must be >= 1, got {LikelihoodImages}.");
        if (NumTrain is < 2) throw new UserInputException($"NumTrain must be >= 2, got {NumTrain}.");
        if (NumTest is < 2) throw new UserInputException($"NumTest must be >= 2, got {NumTest}.");
        if (NumVotes is < 2) throw new UserInputException($"NumVotes must be >= 2, got {NumVotes}.");
        foreach (string m in Metrics ?? Array.Empty<string>()) MetricCatalog.Catalogue.Find(m.Trim());
    }

    /// <summary>The sample sizes these options give each metric (null keeps disentanglement_lib's defaults).</summary>
    public MetricSampleSizes Sizes() => new() { NumTrain = NumTrain, NumTest = NumTest, NumVotes = NumVotes };

    /// <summary>The sample and bins of the code-factor mutual information: MIG's defaults with <see cref="NumTrain"/>.</summary>
    public MigOptions InformationOptions() => (MigOptions)Sizes().ApplyTo(new MigOptions());
}

/// <summary>What <see cref="EvaluationExperiment"/> measured, as written to evaluation.json; the scores are top-level keys.</summary>
/// <param name="Run">The run folder evaluated, or null for a model passed in.</param>
/// <param name="Step">The run's training step, or null.</param>
/// <param name="Representation"><c>posterior_mean</c> or <c>posterior_sample</c>.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Options">The experiment's settings.</param>
/// <param name="Metrics">The metrics run, each with the options it ran with.</param>
/// <param name="Seconds">Seconds each metric (and UDR) took.</param>
/// <param name="FactorNames">Names of the scored factors, in the column order of the matrix below.</param>
/// <param name="NormalizedMutualInformation">I(z_i; v_j) / H(v_j) per code i (rows) and factor j (columns): MIG's matrix.</param>
public sealed record EvaluationResult(
    [property: JsonPropertyName("run")] string? Run,
    [property: JsonPropertyName("step")] long? Step,
    [property: JsonPropertyName("representation")] string Representation,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("options")] EvaluationOptions Options,
    [property: JsonPropertyName("metrics"), JsonConverter(typeof(MetricSpecListJson))] IReadOnlyList<ComponentSpec> Metrics,
    [property: JsonPropertyName("seconds")] IReadOnlyDictionary<string, double> Seconds,
    [property: JsonPropertyName("factor_names")] IReadOnlyList<string> FactorNames,
    [property: JsonPropertyName("normalized_mutual_information")] double[][] NormalizedMutualInformation) : ScoreRecord, IExperimentResult;

/// <summary>
/// Disentanglement metrics of a trained genome VAE (disentanglement_lib's definitions and defaults; see
/// src/GenomicCode/Metrics/README.md), UDR among runs of other seeds (Duan et al. 2020), and the normalised mutual
/// information between each code and each factor.
/// </summary>
public static class EvaluationExperiment
{
    /// <summary>The catalogue entry <c>evaluate</c>.</summary>
    public static ExperimentEntry Entry { get; } = new ExperimentEntry<EvaluationOptions, EvaluationResult>("evaluate",
        "Disentanglement metrics of a trained run (BetaVAE, FactorVAE, MIG, DCI, SAP, modularity; UDR among seeds) and code-factor mutual information.",
        "Locatello et al. 2019 (disentanglement_lib); Duan et al. 2020 (UDR)", "evaluation.json", Run, "evaluation");

    /// <summary>Evaluates the run folder <see cref="EvaluationOptions.Run"/> (and <see cref="EvaluationOptions.Runs"/> for UDR).</summary>
    public static EvaluationResult Run(EvaluationOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        using var run = RunInput.Load(options.Run, options.Device);
        var others = new List<TrainedRun>();
        try
        {
            foreach (string dir in options.Runs) others.Add(TrainedRun.Load(dir, options.Device));
            return Run(run, others, options, seed, progress, cancellationToken);
        }
        finally
        {
            foreach (var r in others) r.Dispose();
        }
    }

    /// <summary>Evaluates a loaded run; with <paramref name="others"/> (runs of other seeds) UDR is added.</summary>
    public static EvaluationResult Run(TrainedRun run, IReadOnlyList<TrainedRun> others, EvaluationOptions options, long seed,
        IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var metrics = options.LogLikelihood && options.Metrics is not { Count: > 0 }
            ? Array.Empty<IDisentanglementMetric>()
            : MetricCatalog.Parse(options.Metrics is { Count: > 0 } m ? string.Join(",", m) : null, MetricCatalog.Names, options.Sizes());
        var represent = run.Representation(options.Samples, (long)Seeds.Derive(seed, 99));
        var steps = new StepCounter(progress, metrics.Count + (others.Count > 0 ? 1 : 0) + (options.LogLikelihood ? 1 : 0) + 1);
        var scores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var seconds = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (options.LogLikelihood)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var (estimate, split) = HeldOutLogLikelihood(run, options, (long)Seeds.Derive(seed, 7), cancellationToken);
            scores[LogLikelihoodKey] = estimate.MeanNats;
            scores[LogLikelihoodKey + "_standard_error"] = estimate.StandardError;
            scores["log_likelihood_importance_samples"] = estimate.ImportanceSamples;
            scores["log_likelihood_images"] = estimate.Images;
            seconds["log_likelihood"] = watch.Elapsed.TotalSeconds;
            steps.Advance($"log-likelihood ({split}, K = {estimate.ImportanceSamples}): {estimate.MeanNats:F2} nats per image, {seconds["log_likelihood"]:F1} s");
        }
        foreach (var metric in metrics)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            foreach (var (name, value) in metric.Evaluate(run.Data, represent, seed, run.Device)) scores[name] = value;
            seconds[metric.Name] = watch.Elapsed.TotalSeconds;
            steps.Advance($"{metric.Name}: {seconds[metric.Name]:F1} s");
        }
        if (others.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var all = new[] { run }.Concat(others).ToList();
            var kl = all.Select(r => MeanKl(r, (long)Seeds.Derive(seed, 6))).ToList();
            var udr = Udr.Evaluate(run.Data, all.Select(r => r.Representation(options.Samples, (long)Seeds.Derive(seed, 99))).ToList(),
                kl, seed, device: run.Device);
            scores["udr"] = udr[0];
            seconds["udr"] = watch.Elapsed.TotalSeconds;
            steps.Advance($"udr: {seconds["udr"]:F1} s");
        }
        var information = NormalizedMutualInformation(run.Data, represent, options.InformationOptions(), (long)Seeds.Derive(seed, 5), run.Device);
        steps.Advance("mutual information of codes and factors");
        return new EvaluationResult(run.Run.Path, run.Header.Step, options.Samples ? "posterior_sample" : "posterior_mean", seed, options,
            metrics.Select(x => MetricCatalog.Spec(x.Name, x.Options)).ToArray(), seconds, run.Data.ScoredFactorNames(), information) { Scores = scores };
    }

    /// <summary>
    /// <paramref name="n"/> of <paramref name="count"/> stored images, evenly spaced: floor(i count / n) for i = 0..n-1
    /// (all of them when n = count). Test splits are stored class by class, so the first n would be one class.
    /// </summary>
    public static int[] HeldOutIndices(int n, int count) =>
        Enumerable.Range(0, n).Select(i => (int)((long)i * count / n)).ToArray();

    /// <summary>Key of the log-likelihood bound in evaluation.json (nats per held-out image).</summary>
    public const string LogLikelihoodKey = "log_likelihood_nats";

    /// <summary>
    /// The importance-weighted log-likelihood bound of a run's held-out images (<see cref="Models.ImportanceWeighted"/>):
    /// for a labelled image set, <see cref="EvaluationOptions.LikelihoodImages"/> images (default all) of its test split,
    /// evenly spaced over it (<see cref="HeldOutIndices"/>), read with the run's own binarisation; for a procedural world, which has no held-out split, that many
    /// images (default 1000) sampled from it with <paramref name="seed"/>. Returns the estimate and which images it used.
    /// </summary>
    public static (Models.LogLikelihoodEstimate Estimate, string Split) HeldOutLogLikelihood(TrainedRun run, EvaluationOptions options, long seed,
        CancellationToken cancellationToken = default)
    {
        var spec = run.Preset.Training.Dataset;
        if (spec.Options is DatasetOptions dataset)
        {
            var test = DatasetCatalog.Create(spec with { Options = dataset with { Split = DatasetOptions.Test } });
            if (test is LabelledImageSet images)
            {
                int n = Math.Min(options.LikelihoodImages ?? images.ImageCount, images.ImageCount);
                var chosen = HeldOutIndices(n, images.ImageCount);
                var estimate = Models.ImportanceWeighted.Estimate(run.Model,
                    (start, count) => images.RenderImages(chosen.Skip(start).Take(count).ToArray(), run.Device),
                    n, options.ImportanceSamples, seed, run.Device, cancellationToken: cancellationToken);
                return (estimate, $"{images.Name}, {n} of {images.ImageCount} evenly spaced, binarize {images.Options.Binarize}");
            }
        }
        int m = options.LikelihoodImages ?? 1000;
        var factors = run.Data.SampleFactors(m, (long)Seeds.Derive(seed, 1));
        var sampled = Models.ImportanceWeighted.Estimate(run.Model,
            (start, count) =>
            {
                var rows = new int[count, factors.GetLength(1)];
                for (int r = 0; r < count; r++)
                    for (int f = 0; f < factors.GetLength(1); f++) rows[r, f] = factors[start + r, f];
                return run.Data.Render(rows, run.Device);
            },
            m, options.ImportanceSamples, seed, run.Device, cancellationToken: cancellationToken);
        return (sampled, $"{m} images sampled from the training data (no held-out split)");
    }

    /// <summary>
    /// The mutual information between each code and each scored factor, normalised by the factor's entropy: I(z_i; v_j) /
    /// H(v_j) on <see cref="SampledMetricOptions.NumTrain"/> sampled points with codes discretised into
    /// <see cref="MigOptions.Bins"/> equal-width bins: the matrix the mutual information gap is computed from (Chen et al. 2018).
    /// </summary>
    public static double[][] NormalizedMutualInformation(IGroundTruthData data, Representation represent, MigOptions options, long seed,
        torch.Device? device = null)
    {
        var sample = CodeSampler.Sample(data, represent, options.NumTrain, seed, device);
        var mi = InformationTheory.MutualInformationMatrix(InformationTheory.Discretize(sample.Codes, options.Bins), sample.Factors);
        var h = InformationTheory.FactorEntropies(sample.Factors);
        return Enumerable.Range(0, mi.GetLength(0)).Select(i => Enumerable.Range(0, mi.GetLength(1)).Select(j => mi[i, j] / h[j]).ToArray()).ToArray();
    }

    /// <summary>Mean KL to the prior per latent over <see cref="Udr.DefaultPoints"/> sampled observations (which latents are active, for UDR).</summary>
    public static double[] MeanKl(TrainedRun run, long seed) => run.MeanKlPerDimension(Udr.DefaultPoints, seed);
}
