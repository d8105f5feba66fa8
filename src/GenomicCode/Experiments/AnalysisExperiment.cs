using System.Text.Json.Serialization;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Latent;
using GenomicCode.Models;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>Settings of <see cref="AnalysisExperiment"/>.</summary>
public sealed record AnalysisOptions : IComponentOptions
{
    /// <summary>The run folder to analyse (for <c>Run(options, seed, ...)</c>); null when a model is passed in.</summary>
    public string? Run { get; init; }

    /// <summary>Device: cpu, cuda, cuda:N or auto; null takes the run's own setting. Default null.</summary>
    public string? Device { get; init; }

    /// <summary>Genomes analysed: posterior means of this many sampled observations, >= 2. Default 64.</summary>
    public int Population { get; init; } = 64;

    /// <summary>Mutants (and noisy replicates) per parent genome, >= 2. Default 32.</summary>
    public int Mutants { get; init; } = 32;

    /// <summary>Standard deviation of one mutation, in prior units, > 0. Default 1.</summary>
    public double MutationSize { get; init; } = 1.0;

    /// <summary>A mutant is robust when its mean absolute pixel difference from the parent is at most this, >= 0. Default 0.02.</summary>
    public double Epsilon { get; init; } = 0.02;

    /// <summary>
    /// Nucleotide genomes: parents whose every point mutant (3 L each) is measured, the first of the population, >= 1.
    /// Default 8.
    /// </summary>
    public int LocusParents { get; init; } = 8;

    /// <summary>Nucleotide genomes: the strongest loci whose pairwise epistasis is measured, >= 2. Default 8.</summary>
    public int EpistasisLoci { get; init; } = 8;

    /// <summary>
    /// Developmental noise levels, each >= 0, injected inside development through the decoder's own noise option
    /// (<see cref="Development.DevelopmentalDecoder.WithNoise"/>): Gaussian noise of this standard deviation on the
    /// developmental state at every step (NCA, GRN), or this temperature of the Langevin steps (landscape). Level 0
    /// leaves only the decoder's own stochasticity (the NCA's random update masks). A decoder that does not develop (conv)
    /// has no developmental state, so no level applies to it. Default 0, 0.01, 0.03, 0.1.
    /// </summary>
    public IReadOnlyList<double> Noise { get; init; } = new[] { 0.0, 0.01, 0.03, 0.1 };

    /// <inheritdoc />
    public void Validate()
    {
        if (Population < 2) throw new UserInputException($"Population must be >= 2, got {Population}.");
        if (Mutants < 2) throw new UserInputException($"Mutants must be >= 2, got {Mutants}.");
        if (!(MutationSize > 0) || double.IsInfinity(MutationSize)) throw new UserInputException($"MutationSize must be finite and > 0, got {MutationSize}.");
        if (!(Epsilon >= 0) || double.IsInfinity(Epsilon)) throw new UserInputException($"Epsilon must be finite and >= 0, got {Epsilon}.");
        if (LocusParents < 1) throw new UserInputException($"LocusParents must be >= 1, got {LocusParents}.");
        if (EpistasisLoci < 2) throw new UserInputException($"EpistasisLoci must be >= 2, got {EpistasisLoci}.");
        if (Noise is null || Noise.Count == 0) throw new UserInputException("Noise needs at least one level, for example 0.5, 1, 2.");
        foreach (double v in Noise)
            if (!(v >= 0) || double.IsInfinity(v)) throw new UserInputException($"Noise levels must be finite and >= 0, got {v}.");
    }
}

/// <summary>What <see cref="AnalysisExperiment"/> measured, as written to analysis.json.</summary>
/// <param name="Run">The run folder analysed, or null for a model passed in.</param>
/// <param name="Step">The run's training step, or null.</param>
/// <param name="Options">Settings used.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Population">Genomes analysed.</param>
/// <param name="Genes">Gene names (z0, z1, ...), the rows of the effect matrices.</param>
/// <param name="Traits">Trait names, their columns.</param>
/// <param name="TraitSd">Standard deviation of each trait over the population.</param>
/// <param name="EffectMatrixJacobian">Mean d trait / d gene over the population (genes x traits).</param>
/// <param name="EffectMatrixFiniteDifferences">The same by central finite differences (h = 0.1) on up to 32 genomes.</param>
/// <param name="EffectMatrixStandardized">The Jacobian in trait SDs per unit gene.</param>
/// <param name="Pleiotropy">Traits each gene affects beyond the threshold.</param>
/// <param name="Polygenicity">Genes affecting each trait beyond the threshold.</param>
/// <param name="PleiotropyThreshold">The threshold on standardised effects.</param>
/// <param name="EffectSpectrum">Every |standardised effect|, largest first.</param>
/// <param name="Epistasis">Mean |non-additivity| of double mutants of size 1 (genes x genes), in trait SDs.</param>
/// <param name="MutationSize">Standard deviation of one mutation.</param>
/// <param name="Epsilon">Robustness tolerance.</param>
/// <param name="Mutational">Robustness and phenotypic variance against k mutations per genome (k = 1, 2, 4, ..., G).</param>
/// <param name="DevelopmentalNoise">
/// Robustness against noise injected inside development, per noise level: phenotypic variance across noisy developments of
/// one genome, share of them within epsilon of the noise-free phenotype, and their mean absolute pixel change from it.
/// Empty for a decoder without a developmental process.
/// </param>
/// <param name="Canalisation">What the developmental-noise measurement means for this decoder, or why it is not defined.</param>
/// <param name="GenomeKind">The run's latent genome: <c>gaussian</c> (gene-level analysis) or <c>nucleotide</c> (locus-level: the
/// genes are the loci, the effects those of point mutations, pleiotropy one number per locus, no Jacobian).</param>
/// <param name="Loci">Nucleotide genomes: the number of loci L; null otherwise.</param>
/// <param name="EpistasisLoci">Nucleotide genomes: the loci of the epistasis matrix (the strongest), in its row order; null otherwise.</param>
public sealed record AnalysisResult(
    [property: JsonPropertyName("run")] string? Run,
    [property: JsonPropertyName("step")] long? Step,
    [property: JsonPropertyName("options")] AnalysisOptions Options,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("population")] int Population,
    [property: JsonPropertyName("genes")] IReadOnlyList<string> Genes,
    [property: JsonPropertyName("traits")] IReadOnlyList<string> Traits,
    [property: JsonPropertyName("trait_sd")] double[] TraitSd,
    [property: JsonPropertyName("effect_matrix_jacobian")] double[][] EffectMatrixJacobian,
    [property: JsonPropertyName("effect_matrix_finite_differences")] double[][] EffectMatrixFiniteDifferences,
    [property: JsonPropertyName("effect_matrix_standardized")] double[][] EffectMatrixStandardized,
    [property: JsonPropertyName("pleiotropy")] int[] Pleiotropy,
    [property: JsonPropertyName("polygenicity")] int[] Polygenicity,
    [property: JsonPropertyName("pleiotropy_threshold")] double PleiotropyThreshold,
    [property: JsonPropertyName("effect_spectrum")] double[] EffectSpectrum,
    [property: JsonPropertyName("epistasis")] double[][] Epistasis,
    [property: JsonPropertyName("mutation_size")] double MutationSize,
    [property: JsonPropertyName("epsilon")] double Epsilon,
    [property: JsonPropertyName("mutational")] IReadOnlyList<RobustnessPoint> Mutational,
    [property: JsonPropertyName("developmental_noise")] IReadOnlyList<RobustnessPoint> DevelopmentalNoise,
    [property: JsonPropertyName("canalisation")] string? Canalisation = null,
    [property: JsonPropertyName("genome_kind")] string GenomeKind = "gaussian",
    [property: JsonPropertyName("loci")] int? Loci = null,
    [property: JsonPropertyName("epistasis_loci")] IReadOnlyList<string>? EpistasisLoci = null) : IExperimentResult
{
    /// <summary><see cref="Canalisation"/> for a developmental decoder.</summary>
    public const string MeasuredInsideDevelopment =
        "measured inside development: Gaussian noise of each level on the developmental state at every step (NCA, GRN) or the Langevin temperature (landscape), through the decoder's own noise option; phenotype change is relative to the noise-free development of the same genome";

    /// <summary><see cref="Canalisation"/> for a decoder without a developmental process.</summary>
    public const string NotDefined =
        "not defined: this decoder maps the genome to the phenotype in one pass, with no developmental state that could buffer noise; only mutational robustness is reported";
}

/// <summary>
/// The genetic architecture of a trained genotype-phenotype map (genome -> trait effect matrix, pleiotropy, polygenicity,
/// epistasis; <see cref="EffectMatrix"/>, <see cref="GeneticArchitecture"/>) and the robustness of development to mutation
/// and to noise inside development (<see cref="Robustness"/>; canalisation, Waddington 1942, measured as the
/// phenotypic variance that developmental noise leaves, Wagner et al. 1997), on the sprite traits of <see cref="SpritesTraits"/>.
/// </summary>
public static class AnalysisExperiment
{
    /// <summary>The catalogue entry <c>analyze</c>.</summary>
    public static ExperimentEntry Entry { get; } = new ExperimentEntry<AnalysisOptions, AnalysisResult>("analyze",
        "Genetic architecture of a trained run (genome -> trait effects, pleiotropy, polygenicity, epistasis) and robustness to mutation and noise.",
        "Wagner et al. 1997; Masel and Siegal 2009", "analysis.json", Run, "analysis", "analyse");

    private const int Chunk = 256;
    private const int EpistasisParents = 8;

    /// <summary>Analyses the run folder <see cref="AnalysisOptions.Run"/>.</summary>
    public static AnalysisResult Run(AnalysisOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        using var run = RunInput.Load(options.Run, options.Device);
        var result = Run(run.Model, run.Data, options, seed, progress, cancellationToken);
        return result with { Run = run.Run.Path, Step = run.Header.Step };
    }

    /// <summary>
    /// Analyses <paramref name="model"/>'s decoder on the posterior means of <see cref="AnalysisOptions.Population"/>
    /// observations sampled from <paramref name="data"/>.
    /// </summary>
    public static AnalysisResult Run(GenomeVae model, IGroundTruthData data, AnalysisOptions options, long seed,
        IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (model.Latent is NucleotideLatent nucleotide) return RunLoci(model, nucleotide, data, options, seed, progress, cancellationToken);
        var steps = new StepCounter(progress, 3);
        using var scope = torch.NewDisposeScope();
        var device = model.parameters().First().device;
        var images = data.Render(data.SampleFactors(options.Population, (long)Seeds.Derive(seed, 1)), device);
        var genomes = model.Encode(images).detach();                                                   // (N, G)
        int genes = (int)genomes.shape[1];
        Develop develop = Developments.InChunks(g => torch.sigmoid(model.Decoder.forward(g)), Chunk);
        var traits = new SpritesTraits();

        var traitSd = EffectMatrix.TraitStandardDeviations(develop, traits, genomes);
        var jacobian = EffectMatrix.Jacobian(develop, traits, genomes);
        var finite = EffectMatrix.FiniteDifferences(develop, traits, genomes.narrow(0, 0, Math.Min(32, options.Population)), h: 0.1);
        var standardised = GeneticArchitecture.Standardise(jacobian, traitSd);
        var architecture = GeneticArchitecture.Of(standardised);
        steps.Advance("effect matrices");
        cancellationToken.ThrowIfCancellationRequested();
        var epistasis = EffectMatrix.Epistasis(develop, traits, genomes.narrow(0, 0, Math.Min(EpistasisParents, options.Population)), delta: 1.0, traitScale: traitSd);
        steps.Advance("epistasis");
        cancellationToken.ThrowIfCancellationRequested();

        var ks = new SortedSet<int> { 1, genes };
        for (int k = 2; k < genes; k *= 2) ks.Add(k);
        var mutational = Robustness.Mutational(develop, genomes, ks.ToArray(), options.Mutants, options.MutationSize, options.Epsilon, seed);
        var developmental = model.Decoder is DevelopmentalDecoder grower
            ? DevelopmentalNoise(grower, genomes, options, seed)
            : new List<RobustnessPoint>();
        steps.Advance("robustness");

        return new AnalysisResult(null, null, options, seed, options.Population, Enumerable.Range(0, genes).Select(g => $"z{g}").ToArray(),
            traits.TraitNames.ToArray(), traitSd, Rows(jacobian), Rows(finite), Rows(standardised), architecture.Pleiotropy, architecture.Polygenicity,
            architecture.Threshold, architecture.Spectrum, Rows(epistasis), options.MutationSize, options.Epsilon, mutational, developmental,
            model.Decoder is DevelopmentalDecoder ? AnalysisResult.MeasuredInsideDevelopment : AnalysisResult.NotDefined);
    }

    /// <summary>
    /// Robustness to noise inside development, per level of <see cref="AnalysisOptions.Noise"/>: every genome develops
    /// <see cref="AnalysisOptions.Mutants"/> times with that level of the decoder's own developmental noise
    /// (<see cref="DevelopmentalDecoder.WithNoise"/>) and fresh randomness, and each phenotype is compared with the
    /// genome's noise-free development (level 0, the decoder's default generator).
    /// </summary>
    public static IReadOnlyList<RobustnessPoint> DevelopmentalNoise(DevelopmentalDecoder decoder, Tensor genomes, AnalysisOptions options, long seed)
    {
        Tensor Reference(Tensor g)
        {
            using var quiet = decoder.WithNoise(0);
            return Developments.InChunks(x => torch.sigmoid(decoder.forward(x)), Chunk)(g);
        }
        return options.Noise.Select(level =>
        {
            using var noisy = decoder.WithNoise(level);
            return Robustness.Developmental((g, gen) => Developments.InChunks(x => torch.sigmoid(decoder.Decode(x, gen)), Chunk)(g),
                Reference, genomes, options.Mutants, options.Epsilon, seed, level);
        }).ToList();
    }

    /// <summary>
    /// Locus-level analysis of a nucleotide genome: the population's most probable genomes; every point mutation (3 L
    /// per parent, <see cref="AnalysisOptions.LocusParents"/> parents) against each trait in trait SDs
    /// (<see cref="LocusArchitecture.Effects"/>); pleiotropy per locus and polygenicity per trait above 10 % of the
    /// largest effect (<see cref="GeneticArchitecture.Of"/>); epistasis among the strongest loci; robustness to k point
    /// substitutions (k = 1, 2, 4, .. up to 64 and L) and to developmental noise.
    /// </summary>
    private static AnalysisResult RunLoci(GenomeVae model, NucleotideLatent latent, IGroundTruthData data, AnalysisOptions options, long seed,
        IProgress<ExperimentProgress>? progress, CancellationToken cancellationToken)
    {
        var steps = new StepCounter(progress, 3);
        using var scope = torch.NewDisposeScope();
        var device = model.parameters().First().device;
        var images = data.Render(data.SampleFactors(options.Population, (long)Seeds.Derive(seed, 1)), device);
        Tensor genomes;
        using (torch.no_grad()) genomes = latent.MostProbable(model.Posterior(images));                // (N, L) base indices
        int loci = latent.Loci;
        Develop develop = Developments.InChunks(g => torch.sigmoid(model.Decoder.forward(latent.FromIndices(g))), Chunk);
        var traits = new SpritesTraits();
        var traitSd = EffectMatrix.TraitStandardDeviations(develop, traits, genomes);
        var parents = genomes.narrow(0, 0, Math.Min(options.LocusParents, options.Population));
        var effects = LocusArchitecture.Effects(develop, traits, parents, traitSd);                       // (L, T) in trait SDs
        var architecture = GeneticArchitecture.Of(effects);
        steps.Advance("point mutations");
        cancellationToken.ThrowIfCancellationRequested();

        var layout = (model.Decoder as GrnDecoder)?.Layout;
        var names = LocusArchitecture.LocusNames(loci, layout);
        var strongest = Enumerable.Range(0, loci).OrderByDescending(l => Enumerable.Range(0, effects.GetLength(1)).Sum(t => effects[l, t]))
            .Take(Math.Min(options.EpistasisLoci, loci)).ToArray();
        var epistasis = strongest.Length >= 2
            ? LocusArchitecture.Epistasis(develop, traits, parents.narrow(0, 0, Math.Min(EpistasisParents, parents.shape[0])), strongest, traitSd)
            : new double[strongest.Length, strongest.Length];
        steps.Advance("epistasis");
        cancellationToken.ThrowIfCancellationRequested();

        var ks = new SortedSet<int> { 1, loci };
        for (int k = 2; k < loci && k <= 64; k *= 2) ks.Add(k);
        var mutational = Robustness.Mutational(develop, parents, ks.ToArray(), options.Mutants, options.Epsilon, seed, NucleotideOperators.PointSubstitutions);
        var developmental = model.Decoder is DevelopmentalDecoder developmentalDecoder
            ? DevelopmentalNoise(developmentalDecoder, latent.FromIndices(genomes), options, seed)
            : Array.Empty<RobustnessPoint>();
        steps.Advance("robustness");

        return new AnalysisResult(null, null, options, seed, options.Population, names, traits.TraitNames.ToArray(), traitSd,
            Array.Empty<double[]>(), Array.Empty<double[]>(), Rows(effects), architecture.Pleiotropy, architecture.Polygenicity,
            architecture.Threshold, architecture.Spectrum, Rows(epistasis), options.MutationSize, options.Epsilon, mutational, developmental,
            model.Decoder is DevelopmentalDecoder ? AnalysisResult.MeasuredInsideDevelopment : AnalysisResult.NotDefined,
            "nucleotide", loci, strongest.Select(l => names[l]).ToArray());
    }

    /// <summary>A matrix as an array of rows.</summary>
    public static double[][] Rows(double[,] m) =>
        Enumerable.Range(0, m.GetLength(0)).Select(i => Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray()).ToArray();
}
