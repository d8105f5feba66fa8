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

/// <summary>Settings of <see cref="EvolvabilityExperiment"/>. Defaults are ours, sized for a trained sprites decoder on 2 CPU cores.</summary>
public sealed record EvolvabilityOptions : IComponentOptions
{
    /// <summary>Run folder whose decoder is the genotype-phenotype map (for <c>Run(options, seed, ...)</c>); null when a model is passed in.</summary>
    public string? Run { get; init; }

    /// <summary>Device: cpu, cuda, cuda:N or auto; null takes the run's own setting. Default null.</summary>
    public string? Device { get; init; }

    /// <summary>Sprite trait under selection: posX, posY, scale, orientation or elongation (<see cref="SpritesTraits"/>). Default scale.</summary>
    public string Trait { get; init; } = "scale";

    /// <summary>Parents (posterior means of sampled observations), also the population size of the adaptation run, >= 2. Default 64.</summary>
    public int Parents { get; init; } = 64;

    /// <summary>Single-mutant offspring per parent in the offspring-fitness distribution. Default 64.</summary>
    public int MutantsPerParent { get; init; } = 64;

    /// <summary>Standard deviation of the Gaussian mutation per gene (offspring and adaptation). Default 0.1.</summary>
    public double MutationSigma { get; init; } = 0.1;

    /// <summary>Target A sits this many trait standard deviations (of the parents) above the parents' mean, target B as far below. Default 1.</summary>
    public double TargetOffset { get; init; } = 1.0;

    /// <summary>Generations of the adaptation run before and after the switch from target A to target B (each). Default 30.</summary>
    public int GenerationsPerTarget { get; init; } = 30;

    /// <summary>Share of the population that breeds (truncation selection). Default 0.25.</summary>
    public double TruncationFraction { get; init; } = 0.25;

    /// <summary>Adapted when the population's mean normalised squared distance to the target is at most Tolerance^2 (in trait SDs). Default 0.5.</summary>
    public double Tolerance { get; init; } = 0.5;

    /// <summary>Genomes evaluated per call of the trait function (bounds memory; not a loop over organisms). Default 1024.</summary>
    public int ChunkSize { get; init; } = 1024;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public void Validate()
    {
        Guard.NotEmpty(Trait);
        if (Parents < 2) throw new UserInputException($"Parents must be >= 2, got {Parents}.");
        Guard.InRange(MutantsPerParent, 1, 1_000_000);
        if (!(MutationSigma > 0) || double.IsInfinity(MutationSigma)) throw new UserInputException($"MutationSigma must be finite and > 0, got {MutationSigma}.");
        if (!(TargetOffset > 0) || double.IsInfinity(TargetOffset)) throw new UserInputException($"TargetOffset must be finite and > 0, got {TargetOffset}.");
        Guard.InRange(GenerationsPerTarget, 1, 1_000_000);
        if (!(TruncationFraction > 0 && TruncationFraction <= 1)) throw new UserInputException($"TruncationFraction must be in (0, 1], got {TruncationFraction}.");
        Guard.Positive(Tolerance);
        Guard.InRange(ChunkSize, 1, 10_000_000);
    }
}

/// <summary>
/// What <see cref="EvolvabilityExperiment"/> measured, as written to evolvability.json. Fitness is
/// -((trait - target) / sd)^2, sd = the parents' trait SD.
/// </summary>
/// <param name="Run">The run folder measured, or null for a model or trait function passed in.</param>
/// <param name="Step">The run's training step, or null.</param>
/// <param name="Trait">Name of the trait under selection.</param>
/// <param name="Parents">Parents (and population size of the adaptation run).</param>
/// <param name="Options">Settings used.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="TraitMean">Mean trait of the parents.</param>
/// <param name="TraitStd">Population standard deviation of the parents' trait (the unit of fitness).</param>
/// <param name="TargetA">Target of the offspring distribution and of the first adaptation phase.</param>
/// <param name="TargetB">Target after the switch.</param>
/// <param name="FitterShare">Share of single-mutant offspring strictly fitter than their parent.</param>
/// <param name="MeanFitnessChange">Mean of offspring fitness minus parent fitness.</param>
/// <param name="FitnessChangeQuantiles">Quantiles 5, 25, 50, 75, 95 % of the fitness change.</param>
/// <param name="FitnessChanges">Every offspring's fitness change (parents x mutants, parent-major), for histograms.</param>
/// <param name="MeanFitness">Population mean fitness per generation: GenerationsPerTarget under A, then as many under B.</param>
/// <param name="GenerationsToAdaptA">Generations until the mean fitness first reached -Tolerance^2 under target A, or null.</param>
/// <param name="GenerationsToRecover">Generations after the switch until the mean fitness reached -Tolerance^2 under B, or null.</param>
public sealed record EvolvabilityResult(
    [property: JsonPropertyName("run")] string? Run,
    [property: JsonPropertyName("step")] long? Step,
    [property: JsonPropertyName("trait")] string Trait,
    [property: JsonPropertyName("parents")] int Parents,
    [property: JsonPropertyName("options")] EvolvabilityOptions Options,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("trait_mean")] double TraitMean,
    [property: JsonPropertyName("trait_std")] double TraitStd,
    [property: JsonPropertyName("target_a")] double TargetA,
    [property: JsonPropertyName("target_b")] double TargetB,
    [property: JsonPropertyName("fitter_share")] double FitterShare,
    [property: JsonPropertyName("mean_fitness_change")] double MeanFitnessChange,
    [property: JsonPropertyName("fitness_change_quantiles")] double[] FitnessChangeQuantiles,
    [property: JsonPropertyName("fitness_changes")] double[] FitnessChanges,
    [property: JsonPropertyName("mean_fitness")] double[] MeanFitness,
    [property: JsonPropertyName("generations_to_adapt_a")] int? GenerationsToAdaptA,
    [property: JsonPropertyName("generations_to_recover")] int? GenerationsToRecover) : IExperimentResult
{
    /// <summary>Quantile levels of <see cref="FitnessChangeQuantiles"/>.</summary>
    public static readonly double[] QuantileLevels = { 0.05, 0.25, 0.5, 0.75, 0.95 };

    /// <summary>Quantile levels of <see cref="FitnessChangeQuantiles"/>, written next to them.</summary>
    [JsonPropertyName("fitness_change_quantile_levels")]
    public double[] FitnessChangeQuantileLevels => QuantileLevels;
}

/// <summary>
/// Evolvability of a genotype-phenotype map on one trait. (a) Offspring-fitness distribution: every parent gets single
/// Gaussian mutants and we record how fitness changes; the share of mutants fitter than their parent is the measure of
/// Petak et al. 2025 (evolvability as the supply of beneficial mutations). (b) Adaptation after a target switch:
/// a GA (truncation selection, elitism, Gaussian mutation) adapts the population to target A, the target switches to B,
/// and we count the generations until the mean fitness recovers (Kashtan and Alon 2005 use switching goals the same way).
/// Fitness is -((trait - target) / sd)^2, a Gaussian stabilising-selection log fitness (Lande 1976) in units of the
/// parents' trait SD.
/// </summary>
public static class EvolvabilityExperiment
{
    /// <summary>The catalogue entry <c>evolvability</c>.</summary>
    public static ExperimentEntry Entry { get; } = new ExperimentEntry<EvolvabilityOptions, EvolvabilityResult>("evolvability",
        "Share of single mutants fitter than their parent, and generations to re-adapt after the selection target switches.",
        "Petak et al. 2025; Kashtan and Alon 2005", "evolvability.json", Run);

    /// <summary>
    /// Runs the experiment on the run folder <see cref="EvolvabilityOptions.Run"/>: the model overload on its model and data,
    /// and the result names the run and its training step.
    /// </summary>
    public static EvolvabilityResult Run(EvolvabilityOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        TraitIndex(options.Trait); // before the run is loaded
        using var run = RunInput.Load(options.Run, options.Device);
        var result = Run(run.Model, run.Data, options, seed, progress, cancellationToken);
        return result with { Run = run.Run.Path, Step = run.Header.Step };
    }

    /// <summary>
    /// Measures <see cref="EvolvabilityOptions.Trait"/> of the sprite traits through <paramref name="model"/>'s decoder, with
    /// the posterior means of <see cref="EvolvabilityOptions.Parents"/> observations sampled from <paramref name="data"/>
    /// as parents.
    /// </summary>
    public static EvolvabilityResult Run(GenomeVae model, IGroundTruthData data, EvolvabilityOptions options, long seed,
        IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        int trait = TraitIndex(options.Trait);
        var traits = new SpritesTraits();
        using var scope = torch.NewDisposeScope();
        var device = model.parameters().First().device;
        Tensor parents;
        using (torch.no_grad()) parents = model.Encode(data.Render(data.SampleFactors(options.Parents, (long)Seeds.Derive(seed, 7)), device));
        var result = Run(genomes => traits.Extract(model.Develop(genomes)).select(1, trait), parents, options, seed, progress, cancellationToken);
        return result with { Trait = traits.TraitNames[trait] };
    }

    /// <summary>
    /// Runs both parts. <paramref name="traitOf"/> maps genomes (N, G) to one trait (N), batched; <paramref name="parents"/>
    /// (P, G) are the starting genomes (for a trained decoder: posterior means of sampled data).
    /// </summary>
    /// <param name="traitOf">Genomes (N, G) -> the trait (N).</param>
    /// <param name="parents">Starting genomes (P, G), P >= 2.</param>
    /// <param name="options">Settings (the run, <see cref="EvolvabilityOptions.Parents"/> and the trait name are not used here).</param>
    /// <param name="seed">Seed of mutations and selection.</param>
    /// <param name="progress">Reports every generation of the adaptation run (Total = 2 x GenerationsPerTarget).</param>
    /// <param name="cancellationToken">Stops between generations with <see cref="OperationCanceledException"/>.</param>
    public static EvolvabilityResult Run(Func<Tensor, Tensor> traitOf, Tensor parents, EvolvabilityOptions options, long seed,
        IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (parents.dim() != 2 || parents.shape[0] < 2)
            throw new UserInputException($"parents must be a (P >= 2, G) tensor, got ({string.Join(", ", parents.shape)}).");
        using var scope = torch.NewDisposeScope();
        double[] parentTraits;
        using (torch.no_grad()) parentTraits = Traits(traitOf, parents, options.ChunkSize);
        double mean = parentTraits.Average();
        double std = Math.Sqrt(parentTraits.Select(t => (t - mean) * (t - mean)).Average());
        if (!(std > 0)) throw new UserInputException("the parents' trait does not vary (SD 0), so fitness has no unit; use more or other parents.");
        double targetA = mean + options.TargetOffset * std, targetB = mean - options.TargetOffset * std;

        // (a) Offspring: MutantsPerParent single mutants of every parent, parent-major.
        using var generator = Seeds.Generator(parents.device, seed, 1);
        int p = (int)parents.shape[0], m = options.MutantsPerParent;
        var mutants = parents.repeat_interleave(m, 0);
        mutants = mutants.Plus(torch.randn(mutants.shape, dtype: mutants.dtype, device: mutants.device, generator: generator).Mul(options.MutationSigma));
        Tensor offspringTraits, parentTraitTensor;
        using (torch.no_grad())
        {
            offspringTraits = TraitsTensor(traitOf, mutants, options.ChunkSize).reshape(p, m);
            parentTraitTensor = torch.tensor(parentTraits, dtype: ScalarType.Float64, device: offspringTraits.device).unsqueeze(1);
        }
        Tensor Fitness(Tensor trait) => -trait.Sub(targetA).Div(std).Square();
        var changes = (Fitness(offspringTraits) - Fitness(parentTraitTensor)).reshape(-1).to(torch.CPU).data<double>().ToArray();
        double fitter = changes.Count(c => c > 0) / (double)changes.Length;
        var sorted = changes.OrderBy(c => c).ToArray();
        var quantiles = EvolvabilityResult.QuantileLevels.Select(q => Quantile(sorted, q)).ToArray();

        // (b) Adaptation: GA to target A, then to target B.
        double threshold = -options.Tolerance * options.Tolerance;
        var meanFitness = new List<double>();
        int? adaptA = null, recover = null;
        var steps = new StepCounter(progress, 2L * options.GenerationsPerTarget);
        using var ga = new GeneticAlgorithm(parents, new TruncationSelection(options.TruncationFraction), new GaussianMutation(options.MutationSigma),
            null, eliteCount: 1, Seeds.DeriveNonNegative(seed, 2));
        for (int gen = 0; gen < 2 * options.GenerationsPerTarget; gen++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var step = torch.NewDisposeScope();
            bool afterSwitch = gen >= options.GenerationsPerTarget;
            double target = afterSwitch ? targetB : targetA;
            var population = ga.Ask();
            Tensor fitness;
            using (torch.no_grad())
            {
                var z = TraitsTensor(traitOf, population, options.ChunkSize).Sub(target).Div(std);
                fitness = -(z * z);
            }
            double mf = fitness.mean().item<double>();
            meanFitness.Add(mf);
            if (!afterSwitch && adaptA is null && mf >= threshold) adaptA = gen;
            if (afterSwitch && recover is null && mf >= threshold) recover = gen - options.GenerationsPerTarget;
            steps.Advance($"generation {gen + 1}/{2 * options.GenerationsPerTarget}  target {(afterSwitch ? "B" : "A")}  mean fitness {mf:F3}");
            ga.Tell(fitness);
        }
        return new EvolvabilityResult(null, null, options.Trait, p, options, seed, mean, std, targetA, targetB, fitter, changes.Average(),
            quantiles, changes, meanFitness.ToArray(), adaptA, recover);
    }

    /// <summary>The index of a sprite trait by name (case-insensitive); an unknown name is a one-line error listing the known ones.</summary>
    public static int TraitIndex(string name)
    {
        var names = new SpritesTraits().TraitNames.ToList();
        int i = names.FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        return i >= 0 ? i : throw new UserInputException($"Trait must be one of {string.Join(", ", names)}, got '{name}'.");
    }

    // Linear interpolation between order statistics (Hyndman and Fan 1996, definition 7).
    private static double Quantile(double[] sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private static Tensor TraitsTensor(Func<Tensor, Tensor> traitOf, Tensor genomes, int chunk)
    {
        var parts = new List<Tensor>();
        for (long start = 0; start < genomes.shape[0]; start += chunk)
            parts.Add(traitOf(genomes.narrow(0, start, Math.Min(chunk, genomes.shape[0] - start))).reshape(-1).to(ScalarType.Float64));
        return torch.cat(parts, 0);
    }

    private static double[] Traits(Func<Tensor, Tensor> traitOf, Tensor genomes, int chunk) =>
        TraitsTensor(traitOf, genomes, chunk).to(torch.CPU).data<double>().ToArray();
}
