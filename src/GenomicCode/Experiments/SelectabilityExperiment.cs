using System.Text.Json.Serialization;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Evolution;
using GenomicCode.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>Settings of <see cref="SelectabilityExperiment"/>. Defaults are ours, chosen to run in about a minute on 2 CPU cores.</summary>
public sealed record SelectabilityOptions : IComponentOptions
{
    /// <summary>Run folder whose decoder is the genotype-phenotype map (for <c>Run(options, seed, ...)</c>); null when a model is passed in.</summary>
    public string? Run { get; init; }

    /// <summary>Device: cpu, cuda, cuda:N or auto; null takes the run's own setting. Default null.</summary>
    public string? Device { get; init; }

    /// <summary>Genomes in the population: posterior means of sampled observations, >= 2. Default 256.</summary>
    public int Population { get; init; } = 256;

    /// <summary>Generations of selection on each trait, >= 1. Default 20.</summary>
    public int Generations { get; init; } = 20;

    /// <summary>Share of the population that breeds (truncation selection), in (0, 1]. Default 0.25.</summary>
    public double TruncationFraction { get; init; } = 0.25;

    /// <summary>Standard deviation of the Gaussian mutation added to every gene of every child, >= 0. Default 0.1.</summary>
    public double MutationSigma { get; init; } = 0.1;

    /// <summary>
    /// Whether children recombine the genes of two parents (uniform crossover, Syswerda 1989). On by default: without it the
    /// population collapses onto the lineages of a few founders and every trait hitch-hikes with the selected one, so
    /// correlated responses would measure genetic drift rather than the genotype-phenotype map.
    /// </summary>
    public bool Recombination { get; init; } = true;

    /// <summary>Select for larger trait values (true) or smaller ones (false). Default true.</summary>
    public bool Maximise { get; init; } = true;

    /// <summary>Throws a one-line <see cref="UserInputException"/> for an invalid setting.</summary>
    public void Validate()
    {
        if (Population < 2) throw new UserInputException($"Population must be >= 2, got {Population}.");
        if (Generations < 1) throw new UserInputException($"generations must be >= 1, got {Generations}.");
        if (!(TruncationFraction > 0 && TruncationFraction <= 1))
            throw new UserInputException($"truncation fraction must be in (0, 1], got {TruncationFraction}.");
        if (!(MutationSigma >= 0) || double.IsInfinity(MutationSigma))
            throw new UserInputException($"mutation sigma must be finite and >= 0, got {MutationSigma}.");
    }
}

/// <summary>What <see cref="SelectabilityExperiment"/> measured, as written to selectability.json.</summary>
/// <param name="Run">The run folder measured, or null for a model passed in.</param>
/// <param name="Step">The run's training step, or null.</param>
/// <param name="Options">Settings used.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Population">Genomes in the starting population.</param>
/// <param name="TraitNames">Trait names, in column order.</param>
/// <param name="SelectedTraits">Indices of the traits that were selected on, one selection line each.</param>
/// <param name="InitialMean">Population mean of each trait before selection (T).</param>
/// <param name="InitialStd">Population standard deviation of each trait before selection (T), the unit of responses.</param>
/// <param name="CorrelatedResponse">
/// CorrelatedResponse[s][t] = (final mean - initial mean) / initial std of trait t under selection on SelectedTraits[s].
/// </param>
/// <param name="Trajectories">
/// Trajectories[name][g][t]: population mean of trait t after g generations of selection on the trait called name
/// (g = 0 is the starting population; Generations + 1 rows), one entry per selection line.
/// </param>
public sealed record SelectabilityResult(
    [property: JsonPropertyName("run")] string? Run,
    [property: JsonPropertyName("step")] long? Step,
    [property: JsonPropertyName("options")] SelectabilityOptions Options,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("population")] int Population,
    [property: JsonPropertyName("trait_names")] IReadOnlyList<string> TraitNames,
    [property: JsonPropertyName("selected_traits")] IReadOnlyList<int> SelectedTraits,
    [property: JsonPropertyName("initial_mean")] double[] InitialMean,
    [property: JsonPropertyName("initial_std")] double[] InitialStd,
    [property: JsonPropertyName("correlated_response")] double[][] CorrelatedResponse,
    [property: JsonPropertyName("trajectories")] IReadOnlyDictionary<string, double[][]> Trajectories) : IExperimentResult
{
    /// <summary>The traits defined for every sprite shape (orientation is undefined for squares, elongation follows the shape).</summary>
    public static readonly IReadOnlyList<string> GeometricTraitNames = new[] { "posX", "posY", "scale" };

    /// <summary>
    /// Independence of the responses: mean |off-target response| / mean |direct response| over the selection lines
    /// (0 when selection moves only the selected trait; near 1 or above when every trait moves along).
    /// </summary>
    [JsonPropertyName("cross_talk")]
    public double CrossTalk => CrossTalkAmong(Enumerable.Range(0, TraitNames.Count).ToList());

    /// <summary><see cref="CrossTalk"/> among the <see cref="GeometricTraitNames"/> (NaN when the traits have other names).</summary>
    [JsonPropertyName("cross_talk_geometric")]
    public double CrossTalkGeometric
    {
        get
        {
            var indices = GeometricTraitNames.Select(n => TraitNames.ToList().IndexOf(n)).ToArray();
            return indices.Any(i => i < 0) ? double.NaN : CrossTalkAmong(indices);
        }
    }

    /// <summary>
    /// <see cref="CrossTalk"/> restricted to the given traits: only selection lines on them and responses of them count
    /// (for example the well-defined geometric traits, leaving out traits that depend on a discrete factor such as shape).
    /// NaN when no listed trait was selected on or no direct response was seen.
    /// </summary>
    public double CrossTalkAmong(IReadOnlyList<int> traits)
    {
        double direct = 0, off = 0;
        int lines = 0, offCount = 0;
        for (int s = 0; s < SelectedTraits.Count; s++)
        {
            if (!traits.Contains(SelectedTraits[s])) continue;
            lines++;
            foreach (int t in traits)
            {
                if (t == SelectedTraits[s]) direct += Math.Abs(CorrelatedResponse[s][t]);
                else { off += Math.Abs(CorrelatedResponse[s][t]); offCount++; }
            }
        }
        if (lines == 0 || direct == 0) return double.NaN;
        direct /= lines;
        off = offCount == 0 ? 0 : off / offCount;
        return off / direct;
    }
}

/// <summary>
/// Independent selectability of traits (the "independently selectable traits" of Mitchell and Cheney 2024): a
/// population of genomes is selected by truncation (Mühlenbein and Schlierkamp-Voosen 1993) on one trait for a number of
/// generations, and the population mean of every trait is recorded. The response of trait t to selection on trait s, in
/// initial standard deviations, fills the correlated-response matrix (Falconer and Mackay 1996, chapter 19, "correlated
/// response to selection"): a disentangled genotype-phenotype map gives a diagonal matrix. Off-diagonal entries of a
/// disentangled map are not exactly zero: strong selection shrinks the effective population size of unselected genes
/// (Robertson 1961, "Inbreeding in artificial selection programmes"), so they drift by a few tenths of a standard
/// deviation in small populations; compare matrices, not single entries.
/// </summary>
public static class SelectabilityExperiment
{
    /// <summary>The catalogue entry <c>selectability</c>.</summary>
    public static ExperimentEntry Entry { get; } = new ExperimentEntry<SelectabilityOptions, SelectabilityResult>("selectability",
        "Selects a population on each trait in turn through a trained decoder; trait trajectories and the correlated-response matrix.",
        "Mitchell and Cheney 2024 (independent selectability); Falconer and Mackay 1996, ch. 19", "selectability.json", Run);

    /// <summary>
    /// Runs the experiment on the run folder <see cref="SelectabilityOptions.Run"/>: the model overload on its model and
    /// data, and the result names the run and its training step.
    /// </summary>
    public static SelectabilityResult Run(SelectabilityOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        using var run = RunInput.Load(options.Run, options.Device);
        var result = Run(run.Model, run.Data, options, seed, progress, cancellationToken);
        return result with { Run = run.Run.Path, Step = run.Header.Step };
    }

    /// <summary>
    /// Selects on each sprite trait (<see cref="SpritesTraits"/>) through <paramref name="model"/>'s decoder, starting from the
    /// posterior means of <see cref="SelectabilityOptions.Population"/> observations sampled from <paramref name="data"/>
    /// (so the population sits where the decoder was trained).
    /// </summary>
    public static SelectabilityResult Run(GenomeVae model, IGroundTruthData data, SelectabilityOptions options, long seed,
        IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var traits = new SpritesTraits();
        using var scope = torch.NewDisposeScope();
        var device = model.parameters().First().device;
        Tensor start;
        using (torch.no_grad()) start = model.Encode(data.Render(data.SampleFactors(options.Population, (long)Seeds.Derive(seed, 7)), device));
        return Run(genomes => traits.Extract(model.Develop(genomes)), traits.TraitNames, start, options, seed, null, progress, cancellationToken);
    }

    /// <summary>
    /// Runs one selection line per trait in <paramref name="selectTraits"/> (null: every trait), each from the same starting
    /// population. <paramref name="traitsOf"/> maps a whole population (N, G) to its traits (N, T) in one batched call
    /// (typically: develop with the decoder, then measure the phenotypes).
    /// </summary>
    /// <param name="traitsOf">Genomes (N, G) -> traits (N, T).</param>
    /// <param name="traitNames">The T trait names.</param>
    /// <param name="initialPopulation">Starting genomes (N, G), N >= 2.</param>
    /// <param name="options">Settings (<see cref="SelectabilityOptions.Population"/> and the run are not used here).</param>
    /// <param name="seed">Seed of selection and mutation.</param>
    /// <param name="selectTraits">Trait indices to select on; null for all.</param>
    /// <param name="progress">Reports every generation of every line (Total = lines x Generations).</param>
    /// <param name="cancellationToken">Stops between generations with <see cref="OperationCanceledException"/>.</param>
    public static SelectabilityResult Run(Func<Tensor, Tensor> traitsOf, IReadOnlyList<string> traitNames, Tensor initialPopulation,
        SelectabilityOptions options, long seed, IReadOnlyList<int>? selectTraits = null, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (initialPopulation.dim() != 2 || initialPopulation.shape[0] < 2)
            throw new UserInputException($"the starting population must be (N, G) with N >= 2, got ({string.Join(", ", initialPopulation.shape)}).");
        int traitCount = traitNames.Count;
        var selected = (selectTraits ?? Enumerable.Range(0, traitCount).ToList()).ToList();
        foreach (int s in selected)
            if (s < 0 || s >= traitCount) throw new UserInputException($"trait index {s} is out of range [0, {traitCount - 1}].");

        var steps = new StepCounter(progress, (long)selected.Count * options.Generations);
        var (initialMean, initialStd) = MeanAndStd(traitsOf, initialPopulation, traitCount);
        var trajectories = new Dictionary<string, double[][]>();
        var response = new double[selected.Count][];
        for (int line = 0; line < selected.Count; line++)
        {
            int trait = selected[line];
            var means = new List<double[]>();
            using var strategy = new GeneticAlgorithm(initialPopulation, new TruncationSelection(options.TruncationFraction),
                new GaussianMutation(options.MutationSigma), options.Recombination ? new UniformCrossover() : null, eliteCount: 0, (long)Seeds.Derive(seed, trait));
            Tensor Fitness(Tensor population)
            {
                var traits = traitsOf(population);                                               // (N, T), one batched call
                CheckTraits(traits, population.shape[0], traitCount);
                means.Add(ToArray(traits.to(ScalarType.Float64).mean(new long[] { 0 })));
                var f = traits.select(1, trait);
                return options.Maximise ? f : -f;
            }
            Evolver.Run(strategy, Fitness, options.Generations,
                r => steps.Advance($"selecting {traitNames[trait]}: generation {r.Generation}/{options.Generations}  best {r.BestFitness:F3}  mean {r.MeanFitness:F3}"),
                cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            using (var scope = torch.NewDisposeScope())
            using (torch.no_grad())
            {
                var last = traitsOf(strategy.Ask());                                             // the selected offspring, not yet told
                CheckTraits(last, initialPopulation.shape[0], traitCount);
                means.Add(ToArray(last.to(ScalarType.Float64).mean(new long[] { 0 })));
            }
            trajectories[traitNames[trait]] = means.ToArray();
            var final = means[^1];
            response[line] = Enumerable.Range(0, traitCount).Select(t => (final[t] - initialMean[t]) / Math.Max(initialStd[t], 1e-12)).ToArray();
        }
        return new SelectabilityResult(null, null, options, seed, (int)initialPopulation.shape[0], traitNames.ToArray(), selected,
            initialMean, initialStd, response, trajectories);
    }

    private static (double[] Mean, double[] Std) MeanAndStd(Func<Tensor, Tensor> traitsOf, Tensor population, int traitCount)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var traits = traitsOf(population);
        CheckTraits(traits, population.shape[0], traitCount);
        var t = traits.to(ScalarType.Float64);
        return (ToArray(t.mean(new long[] { 0 })), ToArray(t.std(0L, unbiased: true)));
    }

    private static void CheckTraits(Tensor traits, long n, int traitCount)
    {
        if (traits.dim() != 2 || traits.shape[0] != n || traits.shape[1] != traitCount)
            throw new UserInputException($"the trait function returned shape ({string.Join(", ", traits.shape)}), expected ({n}, {traitCount}).");
    }

    private static double[] ToArray(Tensor t) => t.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
}
