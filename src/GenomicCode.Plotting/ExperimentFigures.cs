using System.Globalization;
using GenomicCode.Experiments;

namespace GenomicCode.Plotting;

/// <summary>
/// Every experiment's figures, drawn from its result record alone (so a result file read back draws the same figures). Each
/// method returns the figures by file name: the result file's stem (<c>generalisation</c> for generalisation.json) plus a
/// suffix, for example <c>generalisation_adapt.png</c>. Adding an experiment's figures is one method plus one line in
/// <see cref="Draw"/>'s table.
/// </summary>
public static class ExperimentFigures
{
    private static readonly Dictionary<Type, Func<IExperimentResult, string?, IReadOnlyDictionary<string, Figure>>> ByType = new()
    {
        [typeof(EvaluationResult)] = (r, stem) => Evaluate((EvaluationResult)r, stem ?? "evaluation"),
        [typeof(AnalysisResult)] = (r, _) => Analyze((AnalysisResult)r),
        [typeof(EvolveResult)] = (r, stem) => Evolve((EvolveResult)r, stem ?? "evolve"),
        [typeof(SelectabilityResult)] = (r, stem) => Selectability((SelectabilityResult)r, stem: stem ?? "selectability"),
        [typeof(EvolvabilityResult)] = (r, stem) => Evolvability((EvolvabilityResult)r, stem ?? "evolvability"),
        [typeof(GeneralisationResult)] = (r, stem) => Generalisation((GeneralisationResult)r, stem ?? "generalisation"),
        [typeof(LearningResult)] = (r, stem) => Learning((LearningResult)r, stem ?? "learning"),
        [typeof(RateDistortionResult)] = (r, stem) => RateDistortion((RateDistortionResult)r, stem ?? "rate_distortion"),
        [typeof(RegenerationResult)] = (r, stem) => Regeneration((RegenerationResult)r, stem ?? "regenerate"),
    };

    /// <summary>The figures of any experiment's result, by file name; <paramref name="stem"/> null takes the experiment's default.</summary>
    public static IReadOnlyDictionary<string, Figure> Draw(IExperimentResult result, string? stem = null) =>
        ByType.TryGetValue(result.GetType(), out var draw) ? draw(result, stem) : new Dictionary<string, Figure>();

    /// <summary>Saves figures by file name into <paramref name="folder"/> (created); returns the paths written.</summary>
    public static IReadOnlyList<string> Save(IReadOnlyDictionary<string, Figure> figures, string folder)
    {
        Directory.CreateDirectory(folder);
        return figures.Select(f => f.Value.Save(Path.Combine(folder, f.Key))).ToArray();
    }

    /// <summary>
    /// Evaluation: the scores as bars (<c>evaluation.png</c>, without the counts of active dimensions and the log-likelihood;
    /// none when no metric ran), the normalised
    /// mutual information of codes and factors (<c>mutual_information.png</c>) and, when the run's training curves are
    /// given (read from its metrics.jsonl), the loss, reconstruction and KL (<c>training_curves.png</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, Figure> Evaluate(EvaluationResult result, string stem = "evaluation",
        IReadOnlyDictionary<string, (double[] Steps, double[] Values)>? trainingCurves = null)
    {
        string name = NameOf(result.Run);
        // The log-likelihood (nats, not a score in [0, 1]) and the counts of active dimensions stay out of the bars.
        var bars = result.Scores.Where(s => !s.Key.EndsWith("_active_dims", StringComparison.Ordinal) && !s.Key.StartsWith("log_likelihood", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => s.Value);
        var info = result.NormalizedMutualInformation;
        var figures = new Dictionary<string, Figure>
        {
            ["mutual_information.png"] = AnalysisFigures.DrawHeatmap("Mutual information of codes and factors / factor entropy",
                info.Select(r => (IReadOnlyList<double>)r).ToArray(), Enumerable.Range(0, info.Length).Select(i => $"z{i}").ToArray(),
                result.FactorNames, "I(z; v) / H(v)"),
        };
        if (bars.Count > 0)
            figures[$"{stem}.png"] = AnalysisFigures.DrawMetricBars($"Disentanglement of {name}{StepText(result.Step)}",
                new Dictionary<string, IReadOnlyDictionary<string, double>> { [name] = bars });
        var chosen = (trainingCurves ?? new Dictionary<string, (double[], double[])>())
            .Where(c => c.Key is "loss" or "reconstruction" or "kl").ToDictionary(c => c.Key, c => c.Value);
        if (chosen.Count > 0) figures["training_curves.png"] = AnalysisFigures.DrawLines("Training curves (nats per image)", "step", "value", chosen);
        return figures;
    }

    /// <summary>
    /// Analysis: the standardised effect matrix (<c>effect_matrix.png</c>), pairwise epistasis (<c>epistasis.png</c>),
    /// mutational robustness (<c>robustness.png</c>), phenotypic variance under mutation and noise inside development
    /// (<c>phenotypic_variance.png</c>), the effect-size spectrum (<c>effect_spectrum.png</c>) and, for a developmental
    /// decoder, the phenotype change per developmental noise level (<c>developmental_noise.png</c>). A nucleotide run draws the
    /// effects of every point mutation by locus (<c>loci.png</c>) instead of the effect matrix, and the epistasis among its
    /// strongest loci.
    /// </summary>
    public static IReadOnlyDictionary<string, Figure> Analyze(AnalysisResult result)
    {
        string name = NameOf(result.Run);
        var mutational = result.Mutational;
        var developmental = result.DevelopmentalNoise;
        var variance = new Dictionary<string, (double[], double[])>
        {
            ["k mutations"] = (mutational.Select(p => p.Level).ToArray(), mutational.Select(p => p.PhenotypicVariance).ToArray()),
        };
        if (developmental.Count > 0)
            variance["noise inside development"] = (developmental.Select(p => p.Level).ToArray(), developmental.Select(p => p.PhenotypicVariance).ToArray());
        bool loci = result.GenomeKind == "nucleotide";
        var figures = new Dictionary<string, Figure>();
        if (loci)
        {
            // Where each gene's motif begins, from the locus names (g3 motif 1, s0 motif 1).
            var starts = result.Genes.Select((g, i) => (g, i)).Where(p => p.g.EndsWith(" motif 1", StringComparison.Ordinal) && p.i > 0).Select(p => p.i).ToArray();
            figures["loci.png"] = GenomeFigures.DrawLoci($"Locus effects of {name}: every point mutation, mean |trait change| over parents and bases",
                result.EffectMatrixStandardized, result.Traits, result.PleiotropyThreshold, starts);
            var epistasisLoci = result.EpistasisLoci ?? result.Genes;
            figures["epistasis.png"] = AnalysisFigures.DrawHeatmap($"Pairwise epistasis among the strongest loci of {name} (trait SDs)",
                Rows(result.Epistasis), epistasisLoci, epistasisLoci, "|non-additivity|");
        }
        else
        {
            figures["effect_matrix.png"] = AnalysisFigures.DrawHeatmap($"Genome -> trait effects of {name} (trait SDs per unit gene)",
                Rows(result.EffectMatrixStandardized), result.Genes, result.Traits, "d trait / d gene (trait SD)", diverging: true);
            figures["epistasis.png"] = AnalysisFigures.DrawHeatmap($"Pairwise epistasis of {name} (trait SDs, double mutation of size 1)",
                Rows(result.Epistasis), result.Genes, result.Genes, "|non-additivity|");
        }
        var common = new Dictionary<string, Figure>
        {
            ["robustness.png"] = AnalysisFigures.DrawLines($"Mutational robustness of {name} (epsilon {result.Epsilon.ToString(CultureInfo.InvariantCulture)})",
                "mutations per genome k", "share of mutants within epsilon",
                new Dictionary<string, (double[], double[])>
                {
                    ["mutational robustness"] = (mutational.Select(p => p.Level).ToArray(), mutational.Select(p => p.Robustness).ToArray()),
                }),
            ["phenotypic_variance.png"] = AnalysisFigures.DrawLines($"Phenotypic variance of {name}",
                developmental.Count > 0 ? "perturbation: mutations k, or developmental noise level" : "mutations per genome k", "mean pixel variance", variance),
            ["effect_spectrum.png"] = AnalysisFigures.DrawLines($"Effect-size spectrum of {name}", "rank", "|effect| (trait SD per unit gene)",
                new Dictionary<string, (double[], double[])>
                {
                    ["all gene-trait effects"] = (Enumerable.Range(1, result.EffectSpectrum.Length).Select(i => (double)i).ToArray(), result.EffectSpectrum),
                }),
        };
        foreach (var (file, figure) in common) figures[file] = figure;
        if (developmental.Count > 0)
            figures["developmental_noise.png"] = AnalysisFigures.DrawLines($"Noise inside development of {name}", "developmental noise level",
                "mean |pixel change| from the noise-free phenotype", new Dictionary<string, (double[], double[])>
                {
                    ["phenotype change"] = (developmental.Select(p => p.Level).ToArray(), developmental.Select(p => p.MeanDistance).ToArray()),
                });
        return figures;
    }

    /// <summary>
    /// Evolved encoding: the target, the encoder's phenotype and the evolved phenotype side by side (<c>.png</c>, first
    /// channel), and the best and mean fitness per generation against the encoder's (<c>_fitness</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, Figure> Evolve(EvolveResult result, string stem = "evolve")
    {
        int h = result.PhenotypeShape[1], w = result.PhenotypeShape[2];
        var pixels = new float[3 * h * w];
        Array.Copy(result.TargetPhenotype, 0, pixels, 0, h * w);
        Array.Copy(result.Encoder.Phenotype, 0, pixels, h * w, h * w);
        Array.Copy(result.Evolved.Phenotype, 0, pixels, 2 * h * w, h * w);
        var x = Enumerable.Range(1, result.BestFitness.Length).Select(g => (double)g).ToArray();
        return new Dictionary<string, Figure>
        {
            [$"{stem}.png"] = Figures.DrawImageGrid(new ImageGrid(1, 3, h, w, pixels, null,
                    new[] { "target", $"encoder (NLL {F1(result.Encoder.Nll)})", $"evolved (NLL {F1(result.Evolved.Nll)})" }),
                "Target | encoder reconstruction | evolved phenotype"),
            [$"{stem}_fitness.png"] = AnalysisFigures.DrawLines($"Evolving a genome ({result.Strategy}, population {result.Population})", "generation",
                $"fitness (-{result.Loss} loss)", new Dictionary<string, (double[], double[])>
                {
                    ["best"] = (x, result.BestFitness),
                    ["mean"] = (x, result.MeanFitness),
                    ["encoder posterior mean"] = (x, x.Select(_ => result.EncoderFitness).ToArray()),
                }),
        };
    }

    /// <summary>
    /// Selectability: every trait's population mean while <paramref name="trait"/> is selected (<c>_trajectories</c>, in
    /// initial SDs; the first selection line when that trait was not selected on), the correlated-response matrix
    /// (<c>_response</c>) and, when the controls ran, the cross-talk ratio of every mutation and genome (<c>_controls</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, Figure> Selectability(SelectabilityResult result, string trait = "scale", string stem = "selectability")
    {
        var names = result.TraitNames;
        string line = result.Trajectories.Keys.FirstOrDefault(k => string.Equals(k, trait, StringComparison.OrdinalIgnoreCase))
            ?? result.Trajectories.Keys.First();
        var trajectory = result.Trajectories[line];
        var generations = Enumerable.Range(0, trajectory.Length).Select(g => (double)g).ToArray();
        var series = names.Select((n, t) => (n, t)).ToDictionary(p => p.n, p => (generations,
            trajectory.Select(m => (m[p.t] - result.InitialMean[p.t]) / Math.Max(result.InitialStd[p.t], 1e-12)).ToArray()));
        string name = NameOf(result.Run);
        var figures = new Dictionary<string, Figure>
        {
            [$"{stem}_trajectories.png"] = AnalysisFigures.DrawLines($"Selecting on {line}: every trait's population mean ({name})",
                "generation", "change in initial standard deviations", series),
            [$"{stem}_response.png"] = AnalysisFigures.DrawHeatmap($"Correlated response after {result.Options.Generations} generations ({name})",
                result.CorrelatedResponse.Select(r => (IReadOnlyList<double>)r).ToArray(),
                result.SelectedTraits.Select(t => $"select {names[t]}").ToArray(), names, "response (initial sd)", diverging: true),
        };
        if (result.Controls is { Count: > 0 } controls)
        {
            var ratios = new Dictionary<string, double> { ["isotropic"] = result.CrossTalk };
            foreach (var c in controls) ratios[c.Name] = c.CrossTalk;
            figures[$"{stem}_controls.png"] = AnalysisFigures.DrawMetricBars($"Cross-talk ratio (off-target / direct response) by mutation and genome ({name})",
                new Dictionary<string, IReadOnlyDictionary<string, double>> { [name] = ratios }, "mean |off-target| / mean |direct|");
        }
        return figures;
    }

    /// <summary>
    /// Evolvability: the distribution of single mutants' fitness changes (<c>_offspring</c>: equal-width bins between the
    /// 0.5 % and 99.5 % quantiles, outliers in the end bins) and the mean fitness through the target switch (<c>_switch</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, Figure> Evolvability(EvolvabilityResult result, string stem = "evolvability")
    {
        var (centres, shares) = QuantileHistogram(result.FitnessChanges, 40);
        var gens = Enumerable.Range(0, result.MeanFitness.Length).Select(g => (double)g).ToArray();
        double tolerance = result.Options.Tolerance;
        return new Dictionary<string, Figure>
        {
            [$"{stem}_offspring.png"] = AnalysisFigures.DrawLines(
                $"Fitness change of single mutants ({result.Trait}; {result.FitterShare.ToString("F3", CultureInfo.InvariantCulture)} fitter than their parent)",
                "fitness change (trait SDs squared)", "share of offspring",
                new Dictionary<string, (double[] X, double[] Y)> { ["offspring"] = (centres, shares) }),
            [$"{stem}_switch.png"] = AnalysisFigures.DrawLines(
                $"Mean fitness; target switches from A to B at generation {result.Options.GenerationsPerTarget} ({result.Trait})",
                "generation", "mean fitness -((trait - target) / sd)^2", new Dictionary<string, (double[] X, double[] Y)>
                {
                    ["mean fitness"] = (gens, result.MeanFitness),
                    ["adapted threshold"] = (gens, gens.Select(_ => -tolerance * tolerance).ToArray()),
                }),
        };
    }

    /// <summary>
    /// Generalisation (Watson et al. 2014; Kouvaris et al. 2017): generations to adapt to seen and unseen targets per
    /// condition (<c>_adapt</c>), the shares of random genotypes reaching targets and of unseen targets adapted
    /// (<c>_shares</c>), the evolved B of replicate 1 of each condition (<c>_B0</c>, <c>_B1</c>, ...), the phenotypic
    /// distribution of random genotypes over the modular patterns (<c>_distribution</c>, up to 8 modules) and, with a cost
    /// sweep, the training and generalisation error against lambda (<c>_errors</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, Figure> Generalisation(GeneralisationResult result, string stem = "generalisation")
    {
        var figures = new Dictionary<string, Figure>();
        var adapt = result.Conditions.ToDictionary(c => c.Condition, c => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
        {
            ["generations to adapt: seen"] = c.GenerationsToAdaptSeen,
            ["generations to adapt: unseen"] = c.GenerationsToAdaptUnseen,
        });
        figures[$"{stem}_adapt.png"] = AnalysisFigures.DrawMetricBars($"Generations to adapt (never = {result.Options.TestGenerations})", adapt, "generations");
        var shares = result.Conditions.ToDictionary(c => c.Condition, c => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
        {
            ["random -> seen target"] = c.RandomToSeenShare,
            ["random -> unseen target"] = c.RandomToUnseenShare,
            ["unseen targets adapted"] = c.UnseenAdaptedShare,
        });
        figures[$"{stem}_shares.png"] = AnalysisFigures.DrawMetricBars("Random genotypes reaching targets; unseen adapted", shares, "share");
        int n = result.Options.Traits;
        var labels = Enumerable.Range(0, n).Select(i => $"g{i}").ToArray();
        for (int c = 0; c < result.Conditions.Count; c++)
        {
            var cond = result.Conditions[c];
            var matrix = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) matrix[i, j] = cond.RegulatoryMatrix[i * n + j];
            figures[$"{stem}_B{c.ToString(CultureInfo.InvariantCulture)}.png"] =
                AnalysisFigures.DrawHeatmap($"Evolved B: {cond.Condition} (replicate 1)", matrix, labels, labels, "B_ij", diverging: true);
        }
        if (result.ClassPatterns is { } patterns && result.Conditions.All(c => c.Replicates.All(r => r.PatternShares is not null)))
        {
            // The phenotypic distribution of random genotypes over the class (Kouvaris et al. 2017, fig. 2), mean over replicates.
            var x = Enumerable.Range(0, patterns.Length).Select(i => (double)i).ToArray();
            var series = result.Conditions.ToDictionary(c => c.Condition,
                c => (x, x.Select(i => c.Replicates.Average(r => r.PatternShares![(int)i])).ToArray()));
            figures[$"{stem}_distribution.png"] = AnalysisFigures.DrawLines("Phenotypes of random genotypes over the modular patterns (mean over replicates)",
                "pattern (module-sign mask: bit k set = module k positive)", "share of random genotypes", series);
        }
        if (result.CostCurve is { Count: > 0 } curve)
        {
            var lambdas = curve.Select(p => p.Lambda).ToArray();
            figures[$"{stem}_errors.png"] = AnalysisFigures.DrawLines($"Training and generalisation error against the connection cost ({result.Options.CostUnits} units)",
                $"lambda ({result.Options.CostNorm})", "Hellinger distance (mean over replicates)", new Dictionary<string, (double[], double[])>
                {
                    ["training error"] = (lambdas, curve.Select(p => p.TrainingError.Mean).ToArray()),
                    ["generalisation error"] = (lambdas, curve.Select(p => p.GeneralisationError.Mean).ToArray()),
                });
        }
        return figures;
    }

    /// <summary>
    /// Learning (evolution as the learning algorithm): the loss of both learners against decoder evaluations (<c>.png</c>)
    /// and against wall time (<c>_time</c>), and the targets with what each learner's decoder grows (<c>_phenotypes</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, Figure> Learning(LearningResult result, string stem = "learning")
    {
        const string gradientName = "gradient (Adam)";
        string evolutionName = result.Evolution.Learner;
        var gradient = result.Gradient.Curve;
        var evolution = result.Evolution.Curve;
        var figures = new Dictionary<string, Figure>
        {
            [$"{stem}.png"] = AnalysisFigures.DrawLines($"Learning the {result.Options.Decoder.Name} decoder's weights: gradient vs {evolutionName}",
                "decoder evaluations (each develops all targets once)", "loss (BCE per pixel)",
                new Dictionary<string, (double[], double[])>
                {
                    [gradientName] = (gradient.Evaluations.Select(e => (double)e).ToArray(), gradient.Loss),
                    [evolutionName] = (evolution.Evaluations.Select(e => (double)e).ToArray(), evolution.Loss),
                }),
            [$"{stem}_time.png"] = AnalysisFigures.DrawLines("Loss against wall time", "seconds", "loss (BCE per pixel)",
                new Dictionary<string, (double[], double[])>
                {
                    [gradientName] = (gradient.Seconds, gradient.Loss),
                    [evolutionName] = (evolution.Seconds, evolution.Loss),
                }),
        };
        int k = result.Shapes.Count, s = result.Size;
        var pixels = result.Targets.Concat(result.GradientPhenotypes).Concat(result.EvolvedPhenotypes).ToArray();
        figures[$"{stem}_phenotypes.png"] = Figures.DrawImageGrid(new ImageGrid(3, k, s, s, pixels, new[] { "target", "gradient", "evolved" }, result.Shapes.ToArray()),
            "Targets | grown by the gradient-trained decoder | by the evolved decoder");
        return figures;
    }

    /// <summary>
    /// Rate-distortion: the distortion (Bernoulli NLL per image, nats) against the rate (genome information, bits) of every
    /// point of the series, in order of rate, each labelled with what it varied (beta or the genome length); for DNA a
    /// second series marks each point's capacity, 2 bits per base, at the same distortion (<c>.png</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, Figure> RateDistortion(RateDistortionResult result, string stem = "rate_distortion")
    {
        if (result.Points.Count == 0) throw new ArgumentException("a rate-distortion figure needs at least one point.");
        bool dna = result.GenomeKind == "nucleotide";
        var points = result.Points.OrderBy(p => p.RateBits).ToArray();
        string Label(RateDistortionPoint p) => dna ? $"L = {p.GenomeSize.ToString(CultureInfo.InvariantCulture)}" : $"beta = {p.Beta.ToString("G4", CultureInfo.InvariantCulture)}";
        var series = new Dictionary<string, (double[], double[])>
        {
            [dna ? "trained (genome length L)" : "trained (beta)"] = (points.Select(p => p.RateBits).ToArray(), points.Select(p => p.DistortionNats).ToArray()),
        };
        if (dna) series["capacity (2 bits per base)"] = (points.Select(p => p.CapacityBits ?? double.NaN).ToArray(), points.Select(p => p.DistortionNats).ToArray());
        var figure = AnalysisFigures.DrawLines($"Rate-distortion of the genomic code ({result.Preset}, {result.Options.Steps} steps per point)",
            "genome information: KL(q(g|x) || p(g)) in bits", "reconstruction error: -log p(x|g) in nats", series);
        foreach (var p in points)
        {
            var text = figure.Plot.Add.Text(Label(p), p.RateBits, p.DistortionNats);
            text.LabelFontSize = 11;
            text.LabelOffsetX = 6;
            text.LabelOffsetY = -6;
        }
        // Room on the right for the last point's label (text does not widen the axis limits).
        var xs = points.Select(p => p.RateBits).Concat(points.Select(p => p.CapacityBits ?? double.NaN)).Where(double.IsFinite).ToArray();
        var ys = points.Select(p => p.DistortionNats).Where(double.IsFinite).ToArray();
        if (xs.Length > 0 && ys.Length > 0)
        {
            double xSpan = Math.Max(1e-9, xs.Max() - xs.Min()), ySpan = Math.Max(1e-9, ys.Max() - ys.Min());
            figure.Plot.Axes.SetLimits(xs.Min() - 0.08 * xSpan, xs.Max() + 0.2 * xSpan, ys.Min() - 0.1 * ySpan, ys.Max() + 0.12 * ySpan);
        }
        return new Dictionary<string, Figure> { [$"{stem}.png"] = figure };
    }

    /// <summary>
    /// Regeneration of a Growing NCA: organism 1 growing from the seed, then regrowing after its disc was cut out, beside
    /// the target (<c>_strips</c>), and the mean loss of the damaged organisms and of the undamaged controls against
    /// developmental time, on a log axis, the damage marked (<c>.png</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, Figure> Regeneration(RegenerationResult result, string stem = "regenerate")
    {
        int grow = result.Options.GrowSteps;
        var strips = new RgbImageGrid(Math.Max(result.Growth.Steps.Length, result.Regeneration.Steps.Length), result.Grid,
            new[] { result.Growth.Rgb, result.Regeneration.Rgb, result.Target.Rgb },
            new[] { "growth", "regeneration", "target" },
            new IReadOnlyList<string>[]
            {
                result.Growth.Steps.Select(t => $"t={t}").ToArray(),
                result.Regeneration.Steps.Select((t, i) => i == 0 ? $"cut t={t}" : $"t={t}").ToArray(),
                new[] { "target" },
            });
        var time = result.Time.Select(t => (double)t).ToArray();
        var curve = Figures.DrawCurves($"Regeneration: loss over development, disc cut at step {grow}",
            "RGBA L2 loss (mean)", new Dictionary<string, (double[], double[])>
            {
                [$"damaged ({result.Organisms.Count})"] = (time, result.Loss),
                [$"undamaged ({result.Organisms.Count})"] = (time, result.ControlLoss),
            });
        curve.Plot.XLabel("developmental step");
        var line = curve.Plot.Add.VerticalLine(grow);
        line.LinePattern = ScottPlot.LinePattern.Dashed;
        return new Dictionary<string, Figure>
        {
            [$"{stem}_strips.png"] = strips.Draw($"{result.Preset}: growth from the seed and regeneration after a disc is cut out (organism 1)"),
            [$"{stem}.png"] = curve,
        };
    }

    private static string NameOf(string? run) => run is null ? "the model" : Path.GetFileName(Path.TrimEndingDirectorySeparator(run));

    private static string StepText(long? step) => step is long s ? $" (step {s.ToString(CultureInfo.InvariantCulture)})" : "";

    private static string F1(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    private static double[,] Rows(double[][] rows)
    {
        int cols = rows.Length == 0 ? 0 : rows[0].Length;
        var m = new double[rows.Length, cols];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < cols; j++) m[i, j] = rows[i][j];
        return m;
    }

    // Equal-width bins between the 0.5 % and 99.5 % quantiles (outliers fall in the end bins); share of values per bin.
    private static (double[] Centres, double[] Shares) QuantileHistogram(double[] values, int bins)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        double lo = sorted[(int)(0.005 * (sorted.Length - 1))], hi = sorted[(int)(0.995 * (sorted.Length - 1))];
        if (!(hi > lo)) hi = lo + 1e-9;
        double width = (hi - lo) / bins;
        var counts = new double[bins];
        foreach (double v in values) counts[Math.Clamp((int)((v - lo) / width), 0, bins - 1)]++;
        return (Enumerable.Range(0, bins).Select(b => lo + (b + 0.5) * width).ToArray(), counts.Select(c => c / values.Length).ToArray());
    }
}
