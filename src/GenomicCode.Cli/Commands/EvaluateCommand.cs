using System.Diagnostics;
using System.Globalization;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Metrics;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary><c>genomic-code evaluate</c>: disentanglement metrics of a trained run, written to evaluation.json with figures.</summary>
public sealed class EvaluateCommand : Command<EvaluateSettings>
{
    /// <summary>Files written into the run folder.</summary>
    public const string EvaluationFile = "evaluation.json", MetricsFigure = "evaluation.png", InformationFigure = "mutual_information.png",
        CurvesFigure = "training_curves.png";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public EvaluateCommand(IAnsiConsole console) => this.console = console;

    /// <summary>Mean KL to the prior per latent over 1000 sampled observations (which latents are active, for UDR).</summary>
    internal static double[] MeanKl(TrainedRun run, long seed)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var noGrad = TorchSharp.torch.no_grad();
        var images = run.Data.Render(run.Data.SampleFactors(Udr.DefaultPoints, seed), run.Device);
        var (mean, logVar) = run.Model.Encoder.forward(images);                                   // (B, D) each
        var kl = GenomicCode.Latent.GaussianGenome.KlToStandardNormal(mean, logVar).mean(new long[] { 0 }); // (D)
        return kl.to(TorchSharp.torch.ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellationToken)
    {
        var options = new MetricOptions();
        if (settings.NumTrain is int n) options = options with { NumTrain = n, NumVarianceEstimate = n };
        if (settings.NumTest is int t) options = options with { NumTest = t };
        options.Validate();
        var voteOptions = settings.NumVotes is int votes ? options with { NumTrain = votes, NumTest = Math.Max(2, votes / 2) } : options;
        var metrics = MetricCatalog.Parse(settings.Metrics, MetricCatalog.Names, options)
            .Select(m => m is BetaVaeScore or FactorVaeScore ? MetricCatalog.Create(m.Name, voteOptions) : m).ToList();
        var others = (settings.UdrWith ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var loaded = TrainedRun.Load(settings.Run!, settings.Device);
        var represent = loaded.Representation(settings.Samples, (long)Seeds.Derive(settings.Seed, 99));
        console.MarkupLine($"evaluating [bold]{Markup.Escape(loaded.Run.Path)}[/] (step {loaded.Header.Step}, {(settings.Samples ? "posterior samples" : "posterior means")}, " +
                           $"{options.NumTrain} train / {options.NumTest} test points, device {loaded.Device})");

        var scores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var seconds = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("score").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var metric in metrics)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var result = metric.Evaluate(loaded.Data, represent, settings.Seed, loaded.Device);
            seconds[metric.Name] = watch.Elapsed.TotalSeconds;
            foreach (var (name, value) in result)
            {
                scores[name] = value;
                table.AddRow(name, value.ToString("F4", CultureInfo.InvariantCulture), seconds[metric.Name].ToString("F1", CultureInfo.InvariantCulture));
            }
            console.MarkupLine($"  {metric.Name}: {seconds[metric.Name]:F1} s");
        }
        if (others.Length > 0)
        {
            var watch = Stopwatch.StartNew();
            var runs = new List<TrainedRun>();
            try
            {
                foreach (string dir in others) runs.Add(TrainedRun.Load(dir, settings.Device));
                var all = new[] { loaded }.Concat(runs).ToList();
                var kl = all.Select(r => MeanKl(r, (long)Seeds.Derive(settings.Seed, 6))).ToList();
                var udr = Udr.Evaluate(loaded.Data, all.Select(r => r.Representation(settings.Samples, (long)Seeds.Derive(settings.Seed, 99))).ToList(),
                    kl, settings.Seed, options, device: loaded.Device);
                scores["udr"] = udr[0];
                seconds["udr"] = watch.Elapsed.TotalSeconds;
                table.AddRow("udr", udr[0].ToString("F4", CultureInfo.InvariantCulture), seconds["udr"].ToString("F1", CultureInfo.InvariantCulture));
            }
            finally
            {
                foreach (var r in runs) r.Dispose();
            }
        }
        console.Write(table);

        // The mutual information between each code and each factor, normalised by the factor entropy (MIG's matrix).
        var sample = CodeSampler.Sample(loaded.Data, represent, options.NumTrain, (long)Seeds.Derive(settings.Seed, 5), loaded.Device);
        var mi = InformationTheory.MutualInformationMatrix(InformationTheory.Discretize(sample.Codes, options.Bins), sample.Factors);
        var h = InformationTheory.FactorEntropies(sample.Factors);
        var normalised = new double[mi.GetLength(0), mi.GetLength(1)];
        for (int i = 0; i < mi.GetLength(0); i++)
            for (int j = 0; j < mi.GetLength(1); j++) normalised[i, j] = mi[i, j] / h[j];

        var record = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["run"] = loaded.Run.Path,
            ["step"] = loaded.Header.Step,
            ["representation"] = settings.Samples ? "posterior_sample" : "posterior_mean",
            ["seed"] = settings.Seed,
            ["options"] = options,
            ["vote_options"] = voteOptions,
            ["seconds"] = seconds,
            ["factor_names"] = loaded.Data.ScoredFactorNames(),
            ["normalized_mutual_information"] = Enumerable.Range(0, normalised.GetLength(0))
                .Select(i => Enumerable.Range(0, normalised.GetLength(1)).Select(j => normalised[i, j]).ToArray()).ToArray(),
        };
        foreach (var (k, v) in scores) record[k] = v;
        AtomicFile.WriteAllText(loaded.Run.File(EvaluationFile), System.Text.Json.JsonSerializer.Serialize(record, JsonSettings.Default));

        var written = new List<string> { EvaluationFile };
        var barScores = scores.Where(s => !s.Key.EndsWith("_active_dims", StringComparison.Ordinal)).ToDictionary(s => s.Key, s => s.Value);
        AnalysisFigures.SaveMetricBars($"Disentanglement of {Path.GetFileName(loaded.Run.Path)} (step {loaded.Header.Step})",
            new Dictionary<string, IReadOnlyDictionary<string, double>> { [Path.GetFileName(loaded.Run.Path)] = barScores }, loaded.Run.File(MetricsFigure));
        written.Add(MetricsFigure);
        AnalysisFigures.SaveHeatmap("Mutual information of codes and factors / factor entropy", normalised,
            Enumerable.Range(0, normalised.GetLength(0)).Select(i => $"z{i}").ToArray(), loaded.Data.ScoredFactorNames(), loaded.Run.File(InformationFigure), "I(z; v) / H(v)");
        written.Add(InformationFigure);
        var curves = TrainingCurves.Read(loaded.Run.File(RunFolder.MetricsFile));
        var chosen = curves.Where(c => c.Key is "loss" or "reconstruction" or "kl").ToDictionary(c => c.Key, c => c.Value);
        if (chosen.Count > 0)
        {
            AnalysisFigures.SaveTrainingCurves("Training curves (nats per image)", chosen, loaded.Run.File(CurvesFigure));
            written.Add(CurvesFigure);
        }
        console.MarkupLine($"[green]wrote[/] {string.Join(", ", written)} in {Markup.Escape(loaded.Run.Path)}");
        return 0;
    }
}
