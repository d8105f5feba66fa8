using System.Text.Json.Serialization;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Evolution;
using GenomicCode.Models;
using GenomicCode.Numerics;
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

    /// <summary>
    /// Whether to run the controls next to the isotropic selection lines, each from the same population with the same
    /// seeds: per-locus mutation (one gene per child, <see cref="PerLocusMutation"/>), and the rotated-latent control (the
    /// same decoder behind a random orthogonal rotation of the genome) with isotropic and with per-locus mutation. Isotropic
    /// Gaussian mutation is blind to the axes of the genome; per-locus mutation and recombination are not, so only the
    /// comparison with the rotated control shows whether a low cross-talk comes from axis-aligned genes or merely from
    /// orthogonal trait gradients. Default true (four times the selection work).
    /// </summary>
    public bool Controls { get; init; } = true;

    /// <summary>Random unit selection gradients the Hansen-Houle averages are taken over, >= 1. Default 10000.</summary>
    public int Gradients { get; init; } = 10_000;

    /// <summary>Genomes of the starting population whose genome -> trait Jacobians G is averaged over, >= 1. Default 32.</summary>
    public int JacobianGenomes { get; init; } = 32;

    /// <summary>Throws a one-line <see cref="UserInputException"/> for an invalid setting.</summary>
    public void Validate()
    {
        if (Population < 2) throw new UserInputException($"Population must be >= 2, got {Population}.");
        if (Generations < 1) throw new UserInputException($"generations must be >= 1, got {Generations}.");
        if (!(TruncationFraction > 0 && TruncationFraction <= 1))
            throw new UserInputException($"truncation fraction must be in (0, 1], got {TruncationFraction}.");
        if (!(MutationSigma >= 0) || double.IsInfinity(MutationSigma))
            throw new UserInputException($"mutation sigma must be finite and >= 0, got {MutationSigma}.");
        if (Gradients < 1) throw new UserInputException($"Gradients must be >= 1, got {Gradients}.");
        if (JacobianGenomes < 1) throw new UserInputException($"JacobianGenomes must be >= 1, got {JacobianGenomes}.");
    }

    /// <summary>
    /// Per-locus mutation: one gene per child, chosen uniformly, gains a step uniform in [-s, s] with
    /// s = <see cref="MutationSigma"/> sqrt(3 G), so a child carries the same expected squared mutation (G sigma^2) as
    /// under isotropic mutation.
    /// </summary>
    public IMutation PerLocusMutation(int genes) => new SingleGeneMutation(MutationSigma * Math.Sqrt(3.0 * genes));
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
/// <param name="Controls">
/// The controls (<see cref="SelectabilityOptions.Controls"/>): per-locus mutation, and the rotated-latent control with
/// isotropic and per-locus mutation; empty when they were not run.
/// </param>
/// <param name="HansenHoule">
/// Hansen and Houle (2008) evolvability, conditional evolvability and autonomy of G = mean J J' over the starting
/// population, J the genome -> trait Jacobian (central differences, step 0.1) with traits in initial standard
/// deviations: the trait covariance of isotropic unit mutation. G is the same behind any rotation of the genome and under
/// per-locus mutation (whose covariance is also proportional to I), so these measures see how orthogonal the trait
/// gradients are, not whether genes are aligned with traits.
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
    [property: JsonPropertyName("trajectories")] IReadOnlyDictionary<string, double[][]> Trajectories,
    [property: JsonPropertyName("controls")] IReadOnlyList<SelectionControl>? Controls = null,
    [property: JsonPropertyName("hansen_houle")] EvolvabilityMeasures? HansenHoule = null) : IExperimentResult
{
    /// <summary>The traits defined for every sprite shape (orientation is undefined for squares, elongation follows the shape).</summary>
    public static readonly IReadOnlyList<string> GeometricTraitNames = new[] { "posX", "posY", "scale" };

    /// <summary>
    /// Cross-talk: the ratio mean |off-target response| / mean |direct response| over the selection lines (a ratio of two
    /// responses, both in initial trait SDs: 0 when selection moves only the selected trait; near 1 or above when every
    /// trait moves along). Read it with <see cref="DirectResponse"/> beside it.
    /// </summary>
    [JsonPropertyName("cross_talk")]
    public double CrossTalk => CrossTalkAmong(Enumerable.Range(0, TraitNames.Count).ToList());

    /// <summary>Mean |direct response| over the selection lines, in initial trait SDs: the denominator of <see cref="CrossTalk"/>.</summary>
    [JsonPropertyName("direct_response")]
    public double DirectResponse => SelectionResponse.Of(CorrelatedResponse, SelectedTraits, Enumerable.Range(0, TraitNames.Count).ToList()).Direct;

    /// <summary><see cref="CrossTalk"/> among the <see cref="GeometricTraitNames"/> (NaN when the traits have other names).</summary>
    [JsonPropertyName("cross_talk_geometric")]
    public double CrossTalkGeometric => GeometricIndices(TraitNames) is { } g ? CrossTalkAmong(g) : double.NaN;

    /// <summary><see cref="DirectResponse"/> among the <see cref="GeometricTraitNames"/> (NaN when the traits have other names).</summary>
    [JsonPropertyName("direct_response_geometric")]
    public double DirectResponseGeometric => GeometricIndices(TraitNames) is { } g ? SelectionResponse.Of(CorrelatedResponse, SelectedTraits, g).Direct : double.NaN;

    /// <summary>
    /// <see cref="CrossTalk"/> restricted to the given traits: only selection lines on them and responses of them count
    /// (for example the well-defined geometric traits, leaving out traits that depend on a discrete factor such as shape).
    /// NaN when no listed trait was selected on or no direct response was seen.
    /// </summary>
    public double CrossTalkAmong(IReadOnlyList<int> traits) => SelectionResponse.Of(CorrelatedResponse, SelectedTraits, traits).CrossTalk;

    /// <summary>The indices of <see cref="GeometricTraitNames"/> among <paramref name="traitNames"/>, or null if one is missing.</summary>
    public static int[]? GeometricIndices(IReadOnlyList<string> traitNames)
    {
        var indices = GeometricTraitNames.Select(n => traitNames.ToList().IndexOf(n)).ToArray();
        return indices.Any(i => i < 0) ? null : indices;
    }
}

/// <summary>Direct and off-target responses of a correlated-response matrix.</summary>
/// <param name="Direct">Mean |direct response| over the selection lines on the listed traits (NaN if none).</param>
/// <param name="OffTarget">Mean |response| of the other listed traits in those lines (0 with one trait).</param>
public readonly record struct SelectionResponse(double Direct, double OffTarget)
{
    /// <summary>OffTarget / Direct, NaN when no direct response was seen.</summary>
    public double CrossTalk => Direct is 0 || double.IsNaN(Direct) ? double.NaN : OffTarget / Direct;

    /// <summary>
    /// The responses of matrix <paramref name="response"/> (lines x traits, line s selected trait
    /// <paramref name="selected"/>[s]) among <paramref name="traits"/>: only lines that select one of them, and responses
    /// of them, count.
    /// </summary>
    public static SelectionResponse Of(double[][] response, IReadOnlyList<int> selected, IReadOnlyList<int> traits)
    {
        double direct = 0, off = 0;
        int lines = 0, offCount = 0;
        for (int s = 0; s < selected.Count; s++)
        {
            if (!traits.Contains(selected[s])) continue;
            lines++;
            foreach (int t in traits)
            {
                if (t == selected[s]) direct += Math.Abs(response[s][t]);
                else { off += Math.Abs(response[s][t]); offCount++; }
            }
        }
        return lines == 0 ? new SelectionResponse(double.NaN, double.NaN) : new SelectionResponse(direct / lines, offCount == 0 ? 0 : off / offCount);
    }
}

/// <summary>One control of the selectability experiment: the same selection lines with another mutation or genome.</summary>
/// <param name="Name">"per-locus", "rotated" or "rotated per-locus".</param>
/// <param name="Mutation">"isotropic" (every gene) or "per-locus" (one gene per child).</param>
/// <param name="Rotated">Whether the genome was the rotated one (the decoder read z Q for a random orthogonal Q).</param>
/// <param name="CorrelatedResponse">As <see cref="SelectabilityResult.CorrelatedResponse"/>, in the unrotated population's initial SDs.</param>
/// <param name="CrossTalk">Mean |off-target| / mean |direct| response over all traits (a ratio).</param>
/// <param name="DirectResponse">Mean |direct response| over all traits, in initial SDs.</param>
/// <param name="CrossTalkGeometric">Cross-talk among posX, posY and scale (NaN without them).</param>
/// <param name="DirectResponseGeometric">Direct response among posX, posY and scale (NaN without them).</param>
public sealed record SelectionControl(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("mutation")] string Mutation,
    [property: JsonPropertyName("rotated")] bool Rotated,
    [property: JsonPropertyName("correlated_response")] double[][] CorrelatedResponse,
    [property: JsonPropertyName("cross_talk")] double CrossTalk,
    [property: JsonPropertyName("direct_response")] double DirectResponse,
    [property: JsonPropertyName("cross_talk_geometric")] double CrossTalkGeometric,
    [property: JsonPropertyName("direct_response_geometric")] double DirectResponseGeometric)
{
    /// <summary>A control's record from its response matrix, with its summaries.</summary>
    public static SelectionControl From(string name, string mutation, bool rotated, double[][] response, IReadOnlyList<int> selected,
        IReadOnlyList<string> traitNames)
    {
        var all = SelectionResponse.Of(response, selected, Enumerable.Range(0, traitNames.Count).ToList());
        var geometric = SelectabilityResult.GeometricIndices(traitNames) is { } g ? SelectionResponse.Of(response, selected, g) : new SelectionResponse(double.NaN, double.NaN);
        return new SelectionControl(name, mutation, rotated, response, all.CrossTalk, all.Direct, geometric.CrossTalk, geometric.Direct);
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

        int genes = (int)initialPopulation.shape[1];
        var steps = new StepCounter(progress, (long)selected.Count * options.Generations * (options.Controls ? 4 : 1));
        var (initialMean, initialStd) = MeanAndStd(traitsOf, initialPopulation, traitCount);
        var isotropic = new GaussianMutation(options.MutationSigma);
        var (response, trajectories) = Lines(traitsOf, traitNames, initialPopulation, isotropic, "", options, seed, selected, initialMean, initialStd, steps, cancellationToken);

        var controls = new List<SelectionControl>();
        if (options.Controls)
        {
            using var scope = torch.NewDisposeScope();
            var rotation = RandomRotation(genes, seed, initialPopulation.dtype, initialPopulation.device);     // (G, G) orthogonal
            Tensor Rotated(Tensor z) => traitsOf(z.matmul(rotation));                                        // the decoder reads z Q
            var rotatedStart = initialPopulation.matmul(rotation.t());                                         // z Q' Q = z: the same organisms
            var perLocus = options.PerLocusMutation(genes);
            foreach (var (name, mutationName, rotated, mutation) in new (string, string, bool, IMutation)[]
                     {
                         ("per-locus", "per-locus", false, perLocus),
                         ("rotated", "isotropic", true, isotropic),
                         ("rotated per-locus", "per-locus", true, perLocus),
                     })
            {
                var (lines, _) = Lines(rotated ? Rotated : traitsOf, traitNames, rotated ? rotatedStart : initialPopulation, mutation, name + ": ",
                    options, seed, selected, initialMean, initialStd, steps, cancellationToken);
                controls.Add(SelectionControl.From(name, mutationName, rotated, lines, selected, traitNames));
            }
        }

        var measures = HansenHoule.Of(StandardisedG(traitsOf, initialPopulation, options.JacobianGenomes, initialStd, traitCount), options.Gradients, seed);
        return new SelectabilityResult(null, null, options, seed, (int)initialPopulation.shape[0], traitNames.ToArray(), selected,
            initialMean, initialStd, response, trajectories, controls, measures);
    }

    /// <summary>
    /// A random orthogonal matrix (G x G) drawn from the Haar measure: the Q of the QR decomposition of a standard
    /// Gaussian matrix with its columns' signs fixed by the signs of R's diagonal (Mezzadri 2007, "How to generate random
    /// matrices from the classical compact groups", section 5).
    /// </summary>
    public static Tensor RandomRotation(int genes, long seed, ScalarType dtype, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = Seeds.Generator(torch.CPU, seed, 11);
        var a = torch.randn(new long[] { genes, genes }, dtype: ScalarType.Float64, generator: generator);
        var (q, r) = torch.linalg.qr(a);
        var signs = r.diagonal().sign();
        return (q * signs.unsqueeze(0)).to(dtype).to(device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// G = mean over the first <paramref name="count"/> genomes of J J' with J (T x G) the central-difference Jacobian
    /// (step 0.1) of the traits, each trait in units of <paramref name="traitStd"/>: all 2 G perturbed copies of every
    /// genome develop in one call.
    /// </summary>
    public static double[,] StandardisedG(Func<Tensor, Tensor> traitsOf, Tensor population, int count, double[] traitStd, int traitCount)
    {
        const double h = 0.1;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long n = Math.Min(count, population.shape[0]), genes = population.shape[1];
        var parents = population.narrow(0, 0, n);
        var steps = torch.eye(genes, dtype: population.dtype, device: population.device).Mul(h);                 // (G, G)
        var plus = parents.unsqueeze(1).Plus(steps.unsqueeze(0)).reshape(n * genes, genes);                    // (N G, G)
        var minus = parents.unsqueeze(1).sub(steps.unsqueeze(0)).reshape(n * genes, genes);
        var traits = traitsOf(torch.cat(new[] { plus, minus }, 0));                                          // (2 N G, T)
        CheckTraits(traits, 2 * n * genes, traitCount);
        var t = traits.to(ScalarType.Float64);
        var scale = torch.tensor(traitStd.Select(v => 1 / Math.Max(v, 1e-12)).ToArray(), dtype: ScalarType.Float64, device: t.device);
        var jacobians = t.narrow(0, 0, n * genes).sub(t.narrow(0, n * genes, n * genes)).Div(2 * h).mul(scale)
            .reshape(n, genes, traitCount).transpose(1, 2);                                                     // (N, T, G)
        var g = torch.bmm(jacobians, jacobians.transpose(1, 2)).mean(new long[] { 0 }).cpu();                  // (T, T)
        var values = g.data<double>().ToArray();
        var result = new double[traitCount, traitCount];
        for (int a = 0; a < traitCount; a++)
            for (int b = 0; b < traitCount; b++) result[a, b] = 0.5 * (values[a * traitCount + b] + values[b * traitCount + a]);
        return result;
    }

    // One truncation-selection line per selected trait from the same start, seeded by the trait: the correlated-response
    // matrix in the given initial SDs and the trait trajectories.
    private static (double[][] Response, Dictionary<string, double[][]> Trajectories) Lines(Func<Tensor, Tensor> traitsOf, IReadOnlyList<string> traitNames,
        Tensor start, IMutation mutation, string label, SelectabilityOptions options, long seed, IReadOnlyList<int> selected, double[] initialMean,
        double[] initialStd, StepCounter steps, CancellationToken cancellationToken)
    {
        int traitCount = traitNames.Count;
        var trajectories = new Dictionary<string, double[][]>();
        var response = new double[selected.Count][];
        for (int line = 0; line < selected.Count; line++)
        {
            int trait = selected[line];
            var means = new List<double[]>();
            using var strategy = new GeneticAlgorithm(start, new TruncationSelection(options.TruncationFraction),
                mutation, options.Recombination ? new UniformCrossover() : null, eliteCount: 0, (long)Seeds.Derive(seed, trait));
            Tensor Fitness(Tensor population)
            {
                var traits = traitsOf(population);                                               // (N, T), one batched call
                CheckTraits(traits, population.shape[0], traitCount);
                means.Add(ToArray(traits.to(ScalarType.Float64).mean(new long[] { 0 })));
                var f = traits.select(1, trait);
                return options.Maximise ? f : -f;
            }
            Evolver.Run(strategy, Fitness, options.Generations,
                r => steps.Advance($"{label}selecting {traitNames[trait]}: generation {r.Generation}/{options.Generations}  best {r.BestFitness:F3}  mean {r.MeanFitness:F3}"),
                cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            using (var scope = torch.NewDisposeScope())
            using (torch.no_grad())
            {
                var last = traitsOf(strategy.Ask());                                             // the selected offspring, not yet told
                CheckTraits(last, start.shape[0], traitCount);
                means.Add(ToArray(last.to(ScalarType.Float64).mean(new long[] { 0 })));
            }
            trajectories[traitNames[trait]] = means.ToArray();
            var final = means[^1];
            response[line] = Enumerable.Range(0, traitCount).Select(t => (final[t] - initialMean[t]) / Math.Max(initialStd[t], 1e-12)).ToArray();
        }
        return (response, trajectories);
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
