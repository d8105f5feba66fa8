using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Evolution;
using GenomicCode.Latent;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>
/// Settings of <see cref="GeneralisationExperiment"/>. The defaults are our reading of Watson et al. 2014 and Kouvaris et
/// al. 2017 (a (1+1) hill climber, tau1 = 1, tau2 = 0.2, T = 10, |G_i| &lt;= 1, one mutation per generation, long target
/// periods), scaled to run in a few minutes on 2 CPU cores; <see cref="GeneticAlgorithmDefaults"/> are population-based
/// settings for the genetic algorithm.
/// </summary>
public sealed record GeneralisationOptions : IComponentOptions
{
    /// <summary>The searches this experiment can run: "hill-climber" ((1+1), as in the papers) and "ga" (truncation GA with elitism).</summary>
    public static IReadOnlyList<string> Strategies => GeneralisationExperiment.Searches.Keys.ToArray();

    /// <summary>The target sets: "complement" and "orthogonal" (see <see cref="GeneralisationExperiment.Targets"/>).</summary>
    public static readonly IReadOnlyList<string> TargetSets = new[] { "complement", "orthogonal" };

    /// <summary>Settings for the genetic algorithm: a GA of 64 over 3000 generations, switching every 25, L1 cost 0.02.</summary>
    public static GeneralisationOptions GeneticAlgorithmDefaults => new()
    {
        Strategy = "ga", TargetSet = "complement", Modules = 3, SelfRegulation = false, PopulationSize = 64,
        TrainingGenerations = 3000, SwitchEvery = 25, SigmaG = 0.05, SigmaB = 0.01, ConnectionCost = 0.02, ProbeSigma = 0.1,
        TestGenerations = 300, Replicates = 3,
    };

    /// <summary>Search strategy of both phases: "hill-climber" or "ga". Default "hill-climber".</summary>
    public string Strategy { get; init; } = "hill-climber";

    /// <summary>
    /// Which modular patterns are trained and which are held out: "complement" (every module-sign combination but one pair,
    /// needs >= 3 modules) or "orthogonal" (Hadamard rows: module signs pairwise uncorrelated over the training set, needs a
    /// power-of-two number >= 4 of modules). Default "complement".
    /// </summary>
    public string TargetSet { get; init; } = "complement";

    /// <summary>Traits (genes) N; must be a multiple of <see cref="Modules"/>. Default 12.</summary>
    public int Traits { get; init; } = 12;

    /// <summary>
    /// Modules the traits fall into; each module is all +1 or all -1 in a target. The development map is odd (-P develops
    /// from -G), so a held-out target is never the negative of a training one. Default 3.
    /// </summary>
    public int Modules { get; init; } = 3;

    /// <summary>Developmental steps T. Default 10.</summary>
    public int DevelopmentSteps { get; init; } = 10;

    /// <summary>tau1, the rate of regulation. Default 1.</summary>
    public double Tau1 { get; init; } = 1.0;

    /// <summary>tau2, the decay rate. Default 0.2.</summary>
    public double Tau2 { get; init; } = 0.2;

    /// <summary>Individuals per generation of the GA (the hill climber has one parent and one mutant per lineage). Default 64.</summary>
    public int PopulationSize { get; init; } = 64;

    /// <summary>Generations of the training phase. Default 100000.</summary>
    public int TrainingGenerations { get; init; } = 100_000;

    /// <summary>Generations between target switches in training. Default 1000.</summary>
    public int SwitchEvery { get; init; } = 1000;

    /// <summary>
    /// Mutation size of the direct effects G: the GA adds N(0, s^2) to every G_i; the hill climber adds U(-s, s) to one G_i.
    /// Default 0.3.
    /// </summary>
    public double SigmaG { get; init; } = 0.3;

    /// <summary>
    /// Mutation size of the regulatory weights B: the GA adds N(0, s^2) to every B_ij; the hill climber adds U(-s, s) to one
    /// B_ij. Default 0.01.
    /// </summary>
    public double SigmaB { get; init; } = 0.01;

    /// <summary>Hill climber: |G_i| is kept at or below this bound. Default 1.</summary>
    public double GenotypeBound { get; init; } = 1.0;

    /// <summary>Hill climber: probability that a mutation changes B rather than G. Default 0.5.</summary>
    public double MutateRegulationProbability { get; init; } = 0.5;

    /// <summary>
    /// Connection cost lambda of the cost condition: lambda * sum |B_ij|^p / N is subtracted from fitness. Default 0.8 (L1):
    /// with the default targets 0.4 generalised in 1 of 3 replicates, 0.8 in most, 1.2 in 1 of 5 (too strong a cost
    /// under-fits, as Kouvaris et al. 2017, fig. 4, find).
    /// </summary>
    public double ConnectionCost { get; init; } = 0.8;

    /// <summary>Norm of the connection cost: "l1" (p = 1, sparse) or "l2" (p = 2, weak); Kouvaris et al. 2017 use both. Default "l1".</summary>
    public string CostNorm { get; init; } = "l1";

    /// <summary>
    /// Whether a gene may regulate itself (the diagonal of B). On by default (a Hebbian B = sum S S^T has a positive
    /// diagonal); the GA defaults switch it off, where self-loops let every pattern become an attractor.
    /// </summary>
    public bool SelfRegulation { get; init; } = true;

    /// <summary>Random genotypes drawn to measure the phenotypic distribution. Default 2000.</summary>
    public int ProbeGenotypes { get; init; } = 2000;

    /// <summary>Standard deviation of the probe genotypes G ~ N(0, s^2). Default 0.5.</summary>
    public double ProbeSigma { get; init; } = 0.5;

    /// <summary>Generations allowed to adapt to a test target. Default 2000.</summary>
    public int TestGenerations { get; init; } = 2000;

    /// <summary>Independent replicate runs per condition. Default 5.</summary>
    public int Replicates { get; init; } = 5;

    /// <summary>Device of the populations: cpu, cuda, cuda:N or auto. Default cpu.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// Environmental noise kappa: when > 0, a further condition trains (without connection cost) with Gaussian noise of
    /// standard deviation kappa added to every trait of the target in every training generation (a fresh draw per lineage
    /// and generation; the hill climber's parent and mutant are compared under the same draw). Kouvaris et al. 2017 give
    /// the noisy-environment condition (their fig. 4A, against kappa); the noise model here is our reading. Default 0 (no
    /// such condition).
    /// </summary>
    public double EnvironmentalNoise { get; init; }

    /// <summary>
    /// Connection costs of the training / generalisation error curve (in <see cref="CostUnits"/>): each trains
    /// <see cref="Replicates"/> lineages under the connection cost and measures the errors of the phenotypic distribution
    /// of random genotypes (Kouvaris et al. 2017, fig. 4B-C: the errors against lambda). Empty: no curve. Default empty.
    /// </summary>
    public IReadOnlyList<double> CostSweep { get; init; } = Array.Empty<double>();

    /// <summary>
    /// Units of <see cref="ConnectionCost"/> and <see cref="CostSweep"/>: "ours" (lambda of P(T).S / N - lambda sum |B_ij|^p / N)
    /// or "kouvaris" (lambda of the normalisation of Kouvaris et al.: fitness 0.5 (1 + (P(T) / (tau1 / tau2)).S / N) -
    /// lambda sum |B_ij|^p / N^2), converted by <see cref="GeneralisationExperiment.CostFromKouvaris"/>. Default "ours".
    /// </summary>
    public string CostUnits { get; init; } = "ours";

    /// <summary>The genome encodings of B this experiment runs: "direct" and "nucleotide".</summary>
    public static readonly IReadOnlyList<string> Genomes = new[] { "direct", "nucleotide" };

    /// <summary>
    /// How the genome encodes B. "direct": B evolves entry by entry, as in the papers. "nucleotide": the direct
    /// conditions run as well, and beside them the no-cost and cost conditions train a genome [G | DNA] whose B is the
    /// regulatory matrix <see cref="Latent.SequenceAffinity"/> reads from the DNA (one gene per trait: a motif of
    /// <see cref="MotifLength"/> bases and a cis region of <see cref="CisLength"/> bases), evolved by point substitutions
    /// instead of changes to B_ij; the test phase is the same for both. Default "direct".
    /// </summary>
    public string Genome { get; init; } = "direct";

    /// <summary>Nucleotide genome: bases of each gene's transcription-factor motif (1..64). Default 4.</summary>
    public int MotifLength { get; init; } = 4;

    /// <summary>Nucleotide genome: bases of each gene's cis-regulatory region (MotifLength..4096). Default 8.</summary>
    public int CisLength { get; init; } = 8;

    /// <summary>
    /// Nucleotide genome, GA: expected point substitutions in the DNA per genome and generation (each locus mutates with
    /// probability Substitutions / L); the hill climber substitutes one base where the direct version changes one B_ij.
    /// Default 1.
    /// </summary>
    public double Substitutions { get; init; } = 1;

    /// <summary>The DNA layout of the nucleotide genome: one gene per trait, no signal factors.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Latent.NucleotideLayout Layout => new() { Genes = Traits, MotifLength = MotifLength, CisLength = CisLength };

    /// <summary>The connection cost <paramref name="lambda"/>, given in <see cref="CostUnits"/>, in our units.</summary>
    public double OurCost(double lambda) => CostUnits == "kouvaris" ? GeneralisationExperiment.CostFromKouvaris(lambda, Traits, Tau1, Tau2) : lambda;

    /// <summary>Throws a one-line error naming the first bad field.</summary>
    public void Validate()
    {
        if (!Strategies.Contains(Strategy)) throw new UserInputException($"Strategy must be one of {string.Join(", ", Strategies)}, got '{Strategy}'.");
        if (!TargetSets.Contains(TargetSet)) throw new UserInputException($"TargetSet must be one of {string.Join(", ", TargetSets)}, got '{TargetSet}'.");
        if (!GeneralisationExperiment.CostNorms.Contains(CostNorm)) throw new UserInputException($"CostNorm must be one of {string.Join(", ", GeneralisationExperiment.CostNorms)}, got '{CostNorm}'.");
        if (TargetSet == "complement" && Modules < 3) throw new UserInputException($"Modules must be >= 3 for the complement target set (a held-out target must not be the negative of a training target), got {Modules}.");
        if (TargetSet == "orthogonal" && (Modules < 4 || (Modules & (Modules - 1)) != 0 || Modules > 16))
            throw new UserInputException($"Modules must be 4, 8 or 16 for the orthogonal target set (Hadamard rows), got {Modules}.");
        if (Traits < Modules || Traits % Modules != 0) throw new UserInputException($"Traits must be a positive multiple of Modules ({Modules}), got {Traits}.");
        Guard.InRange(DevelopmentSteps, 1, 1000);
        Guard.NonNegative(Tau1);
        Guard.InRange(Tau2, 0, 1);
        Guard.InRange(PopulationSize, 2, 100_000);
        Guard.InRange(TrainingGenerations, 1, 10_000_000);
        Guard.InRange(SwitchEvery, 1, 10_000_000);
        Guard.NonNegative(SigmaG);
        Guard.NonNegative(SigmaB);
        Guard.Positive(GenotypeBound);
        Guard.InRange(MutateRegulationProbability, 0, 1);
        Guard.NonNegative(ConnectionCost);
        Guard.InRange(ProbeGenotypes, 1, 10_000_000);
        Guard.Positive(ProbeSigma);
        Guard.InRange(TestGenerations, 1, 10_000_000);
        Guard.InRange(Replicates, 1, 1000);
        Guard.NotEmpty(Device);
        if (!(EnvironmentalNoise >= 0) || double.IsInfinity(EnvironmentalNoise))
            throw new UserInputException($"EnvironmentalNoise must be finite and >= 0, got {EnvironmentalNoise}.");
        if (CostUnits is not ("ours" or "kouvaris")) throw new UserInputException($"CostUnits must be ours or kouvaris, got '{CostUnits}'.");
        if (CostUnits == "kouvaris" && !(Tau1 > 0 && Tau2 > 0))
            throw new UserInputException($"CostUnits kouvaris needs Tau1 > 0 and Tau2 > 0 (their fitness divides P by tau1 / tau2), got {Tau1} and {Tau2}.");
        if (!Genomes.Contains(Genome)) throw new UserInputException($"Genome must be one of {string.Join(", ", Genomes)}, got '{Genome}'.");
        if (MotifLength < 1 || MotifLength > 64) throw new UserInputException($"MotifLength must be in [1, 64], got {MotifLength}.");
        if (CisLength < MotifLength || CisLength > 4096) throw new UserInputException($"CisLength must be in [MotifLength = {MotifLength}, 4096] so a motif fits in it, got {CisLength}.");
        if (!(Substitutions > 0) || double.IsInfinity(Substitutions)) throw new UserInputException($"Substitutions must be finite and > 0, got {Substitutions}.");
        if (CostSweep is null) throw new UserInputException("CostSweep must be a list (empty for no curve).");
        foreach (double c in CostSweep)
            if (!(c >= 0) || double.IsInfinity(c)) throw new UserInputException($"CostSweep values must be finite and >= 0, got {c}.");
    }
}

/// <summary>What one replicate of a condition produced.</summary>
/// <param name="RandomToSeenShare">Share of random genotypes whose phenotype's sign pattern is a training target (or its negative).</param>
/// <param name="RandomToUnseenShare">Share of random genotypes whose phenotype's sign pattern is an unseen target.</param>
/// <param name="GenerationsToAdaptSeen">Mean generations to adapt to the training targets (never = the test budget).</param>
/// <param name="GenerationsToAdaptUnseen">Mean generations to adapt to the unseen targets (never = the test budget).</param>
/// <param name="UnseenAdaptedShare">Share of unseen targets reached within the test budget.</param>
/// <param name="WithinModuleWeight">Mean |B_ij| for i != j in the same module.</param>
/// <param name="BetweenModuleWeight">Mean |B_ij| for i, j in different modules.</param>
/// <param name="HebbianCorrelation">Pearson correlation of the off-diagonal B with the training targets' correlations.</param>
/// <param name="TrainingError">Hellinger distance of the random genotypes' phenotype distribution from uniform over the training patterns and their negatives.</param>
/// <param name="GeneralisationError">Hellinger distance of that distribution from uniform over every pattern of the modular class.</param>
/// <param name="PatternShares">Share of random genotypes developing into each pattern of the class (<see cref="GeneralisationResult.ClassPatterns"/> order).</param>
/// <param name="ReachedEveryUnseen">Whether every unseen target was reached within the test budget.</param>
public sealed record GeneralisationReplicate(double RandomToSeenShare, double RandomToUnseenShare, double GenerationsToAdaptSeen,
    double GenerationsToAdaptUnseen, double UnseenAdaptedShare, double WithinModuleWeight, double BetweenModuleWeight,
    double HebbianCorrelation, double TrainingError = double.NaN, double GeneralisationError = double.NaN, double[]? PatternShares = null,
    bool ReachedEveryUnseen = false);

/// <summary>What one condition (with or without connection cost) produced, averaged over replicates.</summary>
/// <param name="Condition">Name of the condition.</param>
/// <param name="ConnectionCost">Cost lambda used in training (its norm is in the options).</param>
/// <param name="GenerationsToAdaptSeen">Mean generations to adapt to a training target again (G re-evolved from 0, B fixed).</param>
/// <param name="GenerationsToAdaptUnseen">Mean generations to adapt to targets never seen in training.</param>
/// <param name="UnseenAdaptedShare">Share of (replicate, unseen target) pairs that adapted within the test budget.</param>
/// <param name="WithinModuleWeight">Mean |B_ij| for i != j in the same module.</param>
/// <param name="BetweenModuleWeight">Mean |B_ij| for i, j in different modules.</param>
/// <param name="RandomToSeenShare">Share of random genotypes whose phenotype's sign pattern is a training target.</param>
/// <param name="RandomToUnseenShare">Share of random genotypes whose phenotype's sign pattern is an unseen target.</param>
/// <param name="RegulatoryMatrix">The evolved B of the first replicate (N x N, row-major), for plotting.</param>
/// <param name="RandomToUnseenShareSd">Standard deviation over replicates of <paramref name="RandomToUnseenShare"/>.</param>
/// <param name="GenerationsToAdaptUnseenSd">Standard deviation over replicates of the per-replicate mean generations to an unseen target.</param>
/// <param name="HebbianCorrelation">Mean over replicates of the correlation of B with the training targets' correlations.</param>
/// <param name="Replicates">Every replicate's numbers.</param>
/// <param name="EnvironmentalNoise">Environmental noise kappa of training (0 but for the noise condition).</param>
/// <param name="Statistics">Means over replicates with 95 % t intervals, and replicate counts: the replicate is the unit.</param>
/// <param name="Genome">How B was encoded: "direct" (entry by entry) or "nucleotide" (read from DNA by <see cref="Latent.SequenceAffinity"/>).</param>
/// <param name="Dna">Nucleotide conditions: the evolved DNA of the first replicate as ACGT text (B above is what it encodes); null otherwise.</param>
public sealed record GeneralisationCondition(string Condition, double ConnectionCost, double GenerationsToAdaptSeen,
    double GenerationsToAdaptUnseen, double UnseenAdaptedShare, double WithinModuleWeight, double BetweenModuleWeight,
    double RandomToSeenShare, double RandomToUnseenShare, double[] RegulatoryMatrix, double RandomToUnseenShareSd,
    double GenerationsToAdaptUnseenSd, double HebbianCorrelation, IReadOnlyList<GeneralisationReplicate> Replicates,
    double EnvironmentalNoise = 0, ConditionStatistics? Statistics = null, string Genome = "direct", string? Dna = null);

/// <summary>
/// A condition's outcomes by replicate. The unseen targets of one replicate are not independent of each other (the
/// development map is odd, so a held-out target's negative is reached from the negated genotype), so every interval and
/// count treats the replicate, not the (replicate, target) pair, as the unit.
/// </summary>
/// <param name="UnseenAdaptedShare">Per-replicate share of unseen targets reached: mean and 95 % t interval.</param>
/// <param name="GenerationsToAdaptUnseen">Per-replicate mean generations to an unseen target (never = the budget).</param>
/// <param name="RandomToSeenShare">Per-replicate share of random genotypes developing into a training pattern or its negative.</param>
/// <param name="RandomToUnseenShare">Per-replicate share developing into an unseen pattern.</param>
/// <param name="TrainingError">Per-replicate training error of the phenotypic distribution.</param>
/// <param name="GeneralisationError">Per-replicate generalisation error of the phenotypic distribution.</param>
/// <param name="ReplicatesReachingEveryUnseen">Replicates that reached every unseen target.</param>
/// <param name="VersusNoCost">
/// Fisher's exact test of <paramref name="ReplicatesReachingEveryUnseen"/> against the condition "evolved B, no connection
/// cost" (null for that condition itself).
/// </param>
public sealed record ConditionStatistics(MeanInterval UnseenAdaptedShare, MeanInterval GenerationsToAdaptUnseen, MeanInterval RandomToSeenShare,
    MeanInterval RandomToUnseenShare, MeanInterval TrainingError, MeanInterval GeneralisationError, int ReplicatesReachingEveryUnseen,
    CountComparison? VersusNoCost);

/// <summary>One point of the training / generalisation error curve against the connection cost.</summary>
/// <param name="Lambda">The cost as given, in the options' <see cref="GeneralisationOptions.CostUnits"/>.</param>
/// <param name="ConnectionCost">The cost in our units.</param>
/// <param name="TrainingError">Training error by replicate: mean and 95 % t interval.</param>
/// <param name="GeneralisationError">Generalisation error by replicate: mean and 95 % t interval.</param>
/// <param name="RandomToUnseenShare">Share of random genotypes developing into an unseen pattern, by replicate.</param>
/// <param name="TrainingErrors">Every replicate's training error.</param>
/// <param name="GeneralisationErrors">Every replicate's generalisation error.</param>
public sealed record CostCurvePoint(double Lambda, double ConnectionCost, MeanInterval TrainingError, MeanInterval GeneralisationError,
    MeanInterval RandomToUnseenShare, double[] TrainingErrors, double[] GeneralisationErrors);

/// <summary>What random genotypes develop into under one B (Kouvaris et al. 2017, fig. 2: the phenotypic distribution).</summary>
/// <param name="PatternShares">Share of genotypes whose phenotype's sign pattern is each pattern of the class.</param>
/// <param name="SeenShare">Share developing into a training pattern or the negative of one.</param>
/// <param name="UnseenShare">Share developing into an unseen pattern.</param>
/// <param name="TrainingError">Hellinger distance from uniform over the training patterns and their negatives.</param>
/// <param name="GeneralisationError">Hellinger distance from uniform over the whole class.</param>
public sealed record PhenotypicDistribution(double[] PatternShares, double SeenShare, double UnseenShare, double TrainingError, double GeneralisationError);

/// <summary>The experiment's result, as written to generalisation.json: the conditions side by side, with the targets used.</summary>
/// <param name="Options">Settings used.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="TrainingTargets">Targets alternated during training (each N values of +-1).</param>
/// <param name="UnseenTargets">Targets of the same modular class never seen in training.</param>
/// <param name="Conditions">Baseline (B = 0), no connection cost, connection cost, and environmental noise when asked for.</param>
/// <param name="ClassPatterns">Every pattern of the modular class (2^M module sign combinations), the order of the pattern shares.</param>
/// <param name="CostCurve">Training and generalisation error against the connection cost (<see cref="GeneralisationOptions.CostSweep"/>).</param>
public sealed record GeneralisationResult(
    [property: JsonPropertyName("options")] GeneralisationOptions Options,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("training_targets")] double[][] TrainingTargets,
    [property: JsonPropertyName("unseen_targets")] double[][] UnseenTargets,
    [property: JsonPropertyName("conditions")] IReadOnlyList<GeneralisationCondition> Conditions,
    [property: JsonPropertyName("class_patterns")] double[][]? ClassPatterns = null,
    [property: JsonPropertyName("cost_curve")] IReadOnlyList<CostCurvePoint>? CostCurve = null) : IExperimentResult;

/// <summary>
/// "Evolution learns to generalise" (Watson et al. 2014, "The evolution of phenotypic correlations and developmental
/// memory"; Kouvaris et al. 2017, "How evolution learns to generalise"). A gene-regulatory network develops the
/// phenotype P(t+1) = P(t) + tau1 tanh(B P(t)) - tau2 P(t) from P(0) = G (Watson et al. 2014, eq. 1). Training: (G, B)
/// evolve, by a (1+1) hill climber as in the papers or by a GA, while the target alternates between modular patterns;
/// fitness = P(T).S / N minus an optional L1 or L2 connection cost on B (Kouvaris et al. 2017). Test: B is frozen, and we
/// measure (a) which sign patterns random genotypes develop into (Kouvaris et al. 2017, fig. 2: the phenotypic
/// distribution) and (b) how many generations G, restarted at 0, needs to reach each training target and each target of
/// the same modules never seen. The claim: a connection cost makes B encode the modules rather than the particular
/// targets, so development produces, and evolution reaches, unseen combinations of the same modules.
/// </summary>
public static class GeneralisationExperiment
{
    /// <summary>The catalogue entry <c>generalisation</c>.</summary>
    public static ExperimentEntry Entry { get; } = new ExperimentEntry<GeneralisationOptions, GeneralisationResult>("generalisation",
        "A GRN evolves under alternating modular targets; adaptation to seen and unseen targets with and without a connection cost.",
        "Watson et al. 2014; Kouvaris et al. 2017", "generalisation.json", Run, "generalization");

    /// <summary>The connection-cost norms: "l1" (sparse connectivity) and "l2" (weak connectivity).</summary>
    public static readonly IReadOnlyList<string> CostNorms = new[] { "l1", "l2" };

    /// <summary>What a search of one phase is built from: the options, the phase, the lineages and their seeds.</summary>
    /// <param name="Options">The experiment's settings.</param>
    /// <param name="Training">Training phase (genomes [G | B]) or test phase (genomes G, B frozen).</param>
    /// <param name="Lineages">Independent lineages run side by side.</param>
    /// <param name="Seed">Seed of a search that runs every lineage on one stream.</param>
    /// <param name="LineageSeed">Seed of lineage i, for searches that run one stream per lineage.</param>
    /// <param name="Device">Where the populations live.</param>
    /// <param name="Loci">Training a nucleotide genome [G | bases]: its DNA length L; 0 for [G | B].</param>
    public sealed record SearchSpec(GeneralisationOptions Options, bool Training, int Lineages, long Seed, Func<int, long> LineageSeed, Device Device,
        int Loci = 0);

    /// <summary>
    /// The searches, by <see cref="GeneralisationOptions.Strategy"/>. Each runs <see cref="SearchSpec.Lineages"/> lineages
    /// as one strategy whose rows are grouped by lineage (equal numbers of asked rows and of parents per lineage), from
    /// G = 0 (and B = 0). "hill-climber": one (1+1) lineage per row, all on one stream seeded with the spec's seed, mutating
    /// one G_i or one B_ij (<see cref="RegulatoryMutation"/>; only G in the test phase). "ga": one genetic algorithm per
    /// lineage (truncation 0.25, one elite, no crossover) on its own stream, Gaussian mutation of sigmaG on G and sigmaB on B.
    /// </summary>
    public static IReadOnlyDictionary<string, Func<SearchSpec, IEvolutionStrategy>> Searches { get; } =
        new Dictionary<string, Func<SearchSpec, IEvolutionStrategy>>
        {
            ["hill-climber"] = HillClimberSearch,
            ["ga"] = GeneticAlgorithmSearch,
        };

    /// <summary>Runs the baseline, the no-cost and the cost conditions with <paramref name="seed"/>.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="seed">Seed of every replicate.</param>
    /// <param name="progress">Reports training generations, then tested replicates (Total = TrainingGenerations + 3 x Replicates).</param>
    /// <param name="cancellationToken">Stops between generations with <see cref="OperationCanceledException"/>.</param>
    public static GeneralisationResult Run(GeneralisationOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        var device = Devices.Parse(options.Device);
        using var scope = torch.NewDisposeScope(); // the result is plain data: every tensor made below is freed on return
        var (training, unseen) = Targets(options);
        int r = options.Replicates;
        bool noisy = options.EnvironmentalNoise > 0, curve = options.CostSweep.Count > 0;
        bool dna = options.Genome == "nucleotide";
        var steps = new StepCounter(progress, (long)options.TrainingGenerations * (1 + (noisy ? 1 : 0) + (curve ? 1 : 0) + (dna ? 1 : 0))
            + (long)(3 + (noisy ? 1 : 0) + (dna ? 2 : 0)) * r + (long)options.CostSweep.Count * r);
        double cost = options.OurCost(options.ConnectionCost);
        // Both evolved conditions train side by side: lineages [no cost x R, cost x R].
        var (evolved, _) = Train(options, new[] { (0.0, 0.0), (cost, 0.0) }, training, seed, device, steps, "training", cancellationToken);
        string costName = $"evolved B, {options.CostNorm.ToUpperInvariant()} connection cost {options.ConnectionCost.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            + (options.CostUnits == "kouvaris" ? $" (Kouvaris et al. units; ours {cost.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)})" : "");
        var conditions = new List<GeneralisationCondition>
        {
            RunCondition("no regulation (B = 0)", options, 0, 0, torch.zeros(r, options.Traits, options.Traits, dtype: ScalarType.Float64, device: device),
                training, unseen, seed, device, steps, cancellationToken),
            RunCondition(NoCostCondition, options, 0.0, 0, evolved.narrow(0, 0, r), training, unseen, seed, device, steps, cancellationToken),
            RunCondition(costName, options, cost, 0, evolved.narrow(0, r, r), training, unseen, seed, device, steps, cancellationToken),
        };
        if (noisy)
        {
            var (noiseB, _) = Train(options, new[] { (0.0, options.EnvironmentalNoise) }, training, Seeds.DeriveNonNegative(seed, 1001), device, steps,
                "training with environmental noise", cancellationToken);
            conditions.Add(RunCondition($"evolved B, environmental noise {options.EnvironmentalNoise.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                options, 0.0, options.EnvironmentalNoise, noiseB, training, unseen, seed, device, steps, cancellationToken));
        }
        if (dna)
        {
            // The same two conditions with B read from DNA, evolved by point substitutions; the replicates start from
            // random DNA (the uniform prior) and see the same targets and test phase as the direct ones.
            using var affinity = Affinity(options, device);
            var (dnaB, sequences) = Train(options, new[] { (0.0, 0.0), (cost, 0.0) }, training, Seeds.DeriveNonNegative(seed, 1003), device, steps,
                "training DNA", cancellationToken, affinity);
            conditions.Add(RunCondition("DNA-encoded B, no connection cost", options, 0.0, 0, dnaB.narrow(0, 0, r), training, unseen, seed, device, steps,
                cancellationToken) with { Genome = "nucleotide", Dna = sequences[0] });
            conditions.Add(RunCondition("DNA-encoded " + costName[8..], options, cost, 0, dnaB.narrow(0, r, r), training, unseen, seed, device, steps,
                cancellationToken) with { Genome = "nucleotide", Dna = sequences[r] });
        }
        var noCost = conditions[1];
        conditions = conditions.Select(c => c with { Statistics = StatisticsOf(c, ReferenceEquals(c, noCost) ? null : noCost) }).ToList();

        var points = new List<CostCurvePoint>();
        if (curve)
        {
            var (sweep, _) = Train(options, options.CostSweep.Select(c => (options.OurCost(c), 0.0)).ToArray(), training, Seeds.DeriveNonNegative(seed, 1002),
                device, steps, "training the cost curve", cancellationToken);
            for (int i = 0; i < options.CostSweep.Count; i++)
            {
                var distributions = new List<PhenotypicDistribution>();
                for (int k = 0; k < r; k++)
                {
                    using var b = sweep[i * r + k].clone();
                    distributions.Add(Distribution(options, ProbeGenotypes(options, ReplicateSeed(seed, k) + 3, device), b, training, unseen));
                    steps.Advance($"cost curve: lambda {options.CostSweep[i]}, replicate {k + 1}/{r}");
                }
                points.Add(new CostCurvePoint(options.CostSweep[i], options.OurCost(options.CostSweep[i]),
                    Statistics.TInterval(distributions.Select(d => d.TrainingError).ToArray()),
                    Statistics.TInterval(distributions.Select(d => d.GeneralisationError).ToArray()),
                    Statistics.TInterval(distributions.Select(d => d.UnseenShare).ToArray()),
                    distributions.Select(d => d.TrainingError).ToArray(), distributions.Select(d => d.GeneralisationError).ToArray()));
            }
        }
        var patterns = options.Modules <= MaxListedModules
            ? Enumerable.Range(0, 1 << options.Modules).Select(m => Pattern(options, m)).ToArray()
            : null;
        return new GeneralisationResult(options, seed, training, unseen, conditions, patterns, points);
    }

    /// <summary>The name of the condition the others' replicate counts are tested against.</summary>
    public const string NoCostCondition = "evolved B, no connection cost";

    /// <summary>Pattern shares are listed for up to this many modules (2^8 = 256 patterns).</summary>
    public const int MaxListedModules = 8;

    /// <summary>
    /// A connection cost lambda of Kouvaris et al.'s normalisation in our units. Their fitness (as in Kouvaris's code
    /// accompanying the thesis, KostasKouvaris/Evolvability: fitness.m and develop.m) is
    /// 0.5 (1 + (P / (tau1 / tau2)).S / N) - lambda_K ||B|| / N^2; multiplied by 2 tau1 / tau2 and less a constant it is
    /// P.S / N - 2 (tau1 / tau2) lambda_K ||B|| / N^2, which selects exactly as ours, P.S / N - lambda ||B|| / N, when
    /// lambda = 2 (tau1 / tau2) lambda_K / N. For N = 12, tau1 = 1, tau2 = 0.2: lambda = 0.833 lambda_K. Not converted:
    /// develop.m regulates through tanh(0.5 B P) where our GRN uses tanh(B P), so the same dynamics have a B twice as
    /// large in theirs and their cost on it is 2^p times ours (p = 1 for L1, 2 for L2); a lambda_K here is that factor
    /// weaker than in their runs.
    /// </summary>
    public static double CostFromKouvaris(double lambdaKouvaris, int traits, double tau1, double tau2)
    {
        if (!(tau1 > 0 && tau2 > 0) || traits < 1) throw new UserInputException($"the cost conversion needs tau1 > 0, tau2 > 0 and traits >= 1, got {tau1}, {tau2}, {traits}.");
        return 2 * (tau1 / tau2) * lambdaKouvaris / traits;
    }

    private static ConditionStatistics StatisticsOf(GeneralisationCondition c, GeneralisationCondition? noCost)
    {
        var reps = c.Replicates;
        int reached = reps.Count(x => x.ReachedEveryUnseen);
        var versus = noCost is null ? null
            : Statistics.CompareCounts(reached, reps.Count, noCost.Replicates.Count(x => x.ReachedEveryUnseen), noCost.Replicates.Count);
        MeanInterval Of(Func<GeneralisationReplicate, double> f) => Statistics.TInterval(reps.Select(f).ToArray());
        return new ConditionStatistics(Of(x => x.UnseenAdaptedShare), Of(x => x.GenerationsToAdaptUnseen), Of(x => x.RandomToSeenShare),
            Of(x => x.RandomToUnseenShare), Of(x => x.TrainingError), Of(x => x.GeneralisationError), reached, versus);
    }

    /// <summary>
    /// Training and unseen targets, each module all +1 or all -1. "complement": every combination of module signs (2^M
    /// patterns); the unseen pair is the pattern where the first module disagrees with all the others, and its negative;
    /// every other pattern is trained (for M = 3: training +++, ---, ++-, --+, +-+, -+-; unseen -++ and +--), so module
    /// pairs are weakly correlated (+-1/3) over training and the unseen pair goes against every one of those correlations.
    /// "orthogonal": the M rows of the Sylvester-Hadamard matrix of order M are trained (for M = 4: ++++, +-+-, ++--, +--+),
    /// so every module is internally uniform while every pair of modules is uncorrelated over training; unseen are the
    /// patterns that are neither a training target nor the negative of one (2^M - 2M of them).
    /// </summary>
    public static (double[][] Training, double[][] Unseen) Targets(GeneralisationOptions o)
    {
        int m = o.Modules, size = o.Traits / m;
        double[] Expand(Func<int, bool> plus)
        {
            var t = new double[o.Traits];
            for (int k = 0; k < m; k++)
                for (int i = 0; i < size; i++) t[k * size + i] = plus(k) ? 1 : -1;
            return t;
        }
        var training = new List<double[]>();
        var unseen = new List<double[]>();
        if (o.TargetSet == "orthogonal")
        {
            // Sylvester-Hadamard: H[r, k] = (-1)^popcount(r & k).
            for (int r = 0; r < m; r++) training.Add(Expand(k => System.Numerics.BitOperations.PopCount((uint)(r & k)) % 2 == 0));
            for (int mask = 0; mask < 1 << m; mask++)
            {
                var t = Expand(k => ((mask >> k) & 1) == 1);
                if (!training.Any(s => s.SequenceEqual(t) || s.Zip(t).All(p => p.First == -p.Second))) unseen.Add(t);
            }
            return (training.ToArray(), unseen.ToArray());
        }
        int allButFirst = ((1 << m) - 1) & ~1; // modules 2..M "+", module 1 "-"
        for (int mask = 0; mask < 1 << m; mask++)
        {
            var t = Expand(k => ((mask >> k) & 1) == 1);
            bool heldOut = mask == allButFirst || mask == (~allButFirst & ((1 << m) - 1));
            (heldOut ? unseen : training).Add(t);
        }
        return (training.ToArray(), unseen.ToArray());
    }

    /// <summary>The pattern of module-sign mask <paramref name="mask"/>: module k is all +1 when bit k is set, else all -1.</summary>
    public static double[] Pattern(GeneralisationOptions o, int mask)
    {
        int size = o.Traits / o.Modules;
        var t = new double[o.Traits];
        for (int k = 0; k < o.Modules; k++)
            for (int i = 0; i < size; i++) t[k * size + i] = ((mask >> k) & 1) == 1 ? 1 : -1;
        return t;
    }

    /// <summary>The module-sign mask of a modular pattern (the inverse of <see cref="Pattern"/>).</summary>
    public static int Mask(GeneralisationOptions o, double[] pattern)
    {
        int size = o.Traits / o.Modules, mask = 0;
        for (int k = 0; k < o.Modules; k++)
            if (pattern[k * size] > 0) mask |= 1 << k;
        return mask;
    }

    /// <summary>
    /// Develops phenotypes for a batch: P(t+1) = P(t) + tau1 tanh(B P(t)) - tau2 P(t), P(0) = G (Watson et al. 2014, eq. 1).
    /// <paramref name="g"/> is (n, N), <paramref name="b"/> is (n, N, N) or (N, N); returns P(T) (n, N).
    /// </summary>
    public static Tensor Develop(Tensor g, Tensor b, int steps, double tau1, double tau2)
    {
        var p = g;
        var batched = b.dim() == 3 ? b : b.unsqueeze(0).expand(g.shape[0], -1, -1);
        for (int t = 0; t < steps; t++)
            p = p.Plus(torch.tanh(torch.bmm(batched, p.unsqueeze(2)).squeeze(2)).Mul(tau1)) - p.Mul(tau2);
        return p;
    }

    /// <summary>
    /// Pearson correlation between the off-diagonal entries of <paramref name="b"/> (N x N, row-major) and those of the
    /// training targets' correlation matrix C = mean_k S_k S_k^T: how Hebbian the evolved regulation is (Watson et al.
    /// 2014: selection changes B like Hebbian learning, dB ~ S P^T). 0 when either has no variance.
    /// </summary>
    public static double HebbianCorrelation(double[] b, double[][] targets)
    {
        int n = targets[0].Length;
        var x = new List<double>();
        var y = new List<double>();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                x.Add(b[i * n + j]);
                y.Add(targets.Average(t => t[i] * t[j]));
            }
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int k = 0; k < x.Count; k++)
        {
            sxy += (x[k] - mx) * (y[k] - my);
            sxx += (x[k] - mx) * (x[k] - mx);
            syy += (y[k] - my) * (y[k] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>
    /// Connection cost of each lineage, lambda * sum_ij |B_ij|^p / N with p = 1 for "l1" and p = 2 for "l2"
    /// (Kouvaris et al. 2017, the parsimony pressures on sparse and weak connectivity). <paramref name="b"/> is (R, N, N);
    /// returns (R).
    /// </summary>
    public static Tensor ConnectionCost(Tensor b, double lambda, string norm)
    {
        long n = b.shape[1];
        var magnitude = norm switch
        {
            "l1" => b.abs(),
            "l2" => b.Square(),
            _ => throw new UserInputException($"Connection-cost norm must be one of {string.Join(", ", CostNorms)}, got '{norm}'."),
        };
        return magnitude.sum(new long[] { 1, 2 }).Mul(lambda / n);
    }

    /// <summary>
    /// Fitness of each lineage: P(T).S / N minus the connection cost (Watson et al. 2014; Kouvaris et al. 2017), with P(T)
    /// developed by <see cref="Develop"/>. <paramref name="g"/> is (R, N), <paramref name="b"/> (R, N, N),
    /// <paramref name="target"/> (N) or (R, N), <paramref name="lambda"/> one cost per lineage (R); returns (R).
    /// </summary>
    public static Tensor Fitness(Tensor g, Tensor b, Tensor target, GeneralisationOptions o, Tensor lambda) =>
        Match(g, b, target, o) - ConnectionCost(b, 1.0, o.CostNorm) * lambda;

    /// <summary>As <see cref="Fitness(Tensor, Tensor, Tensor, GeneralisationOptions, Tensor)"/> with one cost for every lineage.</summary>
    public static Tensor Fitness(Tensor g, Tensor b, Tensor target, GeneralisationOptions o, double lambda)
    {
        using var l = ScalarMath.Full(new[] { g.shape[0] }, lambda, g.dtype, g.device);
        return Fitness(g, b, target, o, l);
    }

    // P(T).S / N of each lineage (R) for a target (N) shared by all lineages or one per lineage (R, N).
    private static Tensor Match(Tensor g, Tensor b, Tensor target, GeneralisationOptions o)
    {
        long n = g.shape[1];
        var p = Develop(g, b, o.DevelopmentSteps, o.Tau1, o.Tau2);                              // (R, N)
        var match = target.dim() == 1 ? p.matmul(target) : (p * target).sum(1);                 // (R)
        return match.Div(n);
    }

    private static GeneralisationCondition RunCondition(string name, GeneralisationOptions o, double cost, double kappa, Tensor bs,
        double[][] training, double[][] unseen, long seed, Device device, StepCounter steps, CancellationToken cancel)
    {
        int n = o.Traits, size = n / o.Modules;
        var replicates = new List<GeneralisationReplicate>();
        for (int r = 0; r < o.Replicates; r++)
        {
            long runSeed = ReplicateSeed(seed, r);
            using var b = bs[r].clone();
            var distribution = Distribution(o, ProbeGenotypes(o, runSeed + 3, device), b, training, unseen);
            var seenTimes = GenerationsToAdapt(o, b, training, runSeed + 1, device, cancel);
            var unseenTimes = GenerationsToAdapt(o, b, unseen, runSeed + 2, device, cancel);
            var values = b.to(torch.CPU).data<double>().ToArray();
            double w = 0, bw = 0;
            int wc = 0, bc = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    if (i == j) continue;
                    if (i / size == j / size) { w += Math.Abs(values[i * n + j]); wc++; }
                    else { bw += Math.Abs(values[i * n + j]); bc++; }
                }
            replicates.Add(new GeneralisationReplicate(distribution.SeenShare, distribution.UnseenShare, seenTimes.Average(), unseenTimes.Average(),
                unseenTimes.Count(t => t < o.TestGenerations) / (double)unseenTimes.Length, w / wc, bw / bc,
                HebbianCorrelation(values, training), distribution.TrainingError, distribution.GeneralisationError,
                o.Modules <= MaxListedModules ? distribution.PatternShares : null, unseenTimes.All(t => t < o.TestGenerations)));
            steps.Advance($"{name}: replicate {r + 1}/{o.Replicates} tested");
        }
        static double Sd(IEnumerable<double> v)
        {
            var a = v.ToArray();
            double mean = a.Average();
            return a.Length < 2 ? 0 : Math.Sqrt(a.Sum(x => (x - mean) * (x - mean)) / (a.Length - 1));
        }
        var first = bs[0].to(torch.CPU).data<double>().ToArray();
        return new GeneralisationCondition(name, cost, replicates.Average(x => x.GenerationsToAdaptSeen),
            replicates.Average(x => x.GenerationsToAdaptUnseen), replicates.Average(x => x.UnseenAdaptedShare),
            replicates.Average(x => x.WithinModuleWeight), replicates.Average(x => x.BetweenModuleWeight),
            replicates.Average(x => x.RandomToSeenShare), replicates.Average(x => x.RandomToUnseenShare), first,
            Sd(replicates.Select(x => x.RandomToUnseenShare)), Sd(replicates.Select(x => x.GenerationsToAdaptUnseen)),
            replicates.Average(x => x.HebbianCorrelation), replicates, kappa);
    }

    private static long ReplicateSeed(long seed, int replicate) => Seeds.DeriveNonNegative(seed, replicate);

    private static IEvolutionStrategy HillClimberSearch(SearchSpec s)
    {
        var o = s.Options;
        int n = o.Traits;
        if (s.Training && s.Loci > 0)
        {
            using var dnaStart = DnaStart(s, Enumerable.Range(0, s.Lineages).Select(l => RandomBases(s.LineageSeed(l), 1, s.Loci, s.Device)));
            return new HillClimber(dnaStart, DnaRegulatoryMutation.SingleChange(n, s.Loci, o.SigmaG, o.GenotypeBound, o.MutateRegulationProbability),
                new Generator((ulong)s.Seed, s.Device));
        }
        var mutation = s.Training
            ? new RegulatoryMutation(n, o.SigmaG, o.SigmaB, o.GenotypeBound, o.MutateRegulationProbability, o.SelfRegulation)
            : new RegulatoryMutation(n, o.SigmaG, 0, o.GenotypeBound, 0, true);
        using var start = torch.zeros(s.Lineages, s.Training ? n + n * n : n, dtype: ScalarType.Float64, device: s.Device);
        return new HillClimber(start, mutation, new Generator((ulong)s.Seed, s.Device));
    }

    private static IEvolutionStrategy GeneticAlgorithmSearch(SearchSpec s)
    {
        var o = s.Options;
        int n = o.Traits;
        using var scope = torch.NewDisposeScope();
        if (s.Training && s.Loci > 0)
        {
            var mutation = DnaRegulatoryMutation.PerLocus(n, s.Loci, o.SigmaG, Math.Min(1, o.Substitutions / s.Loci));
            return new StrategyGroup(Enumerable.Range(0, s.Lineages).Select(l =>
            {
                using var population = DnaStart(s, new[] { RandomBases(s.LineageSeed(l), o.PopulationSize, s.Loci, s.Device) });
                return (IEvolutionStrategy)new GeneticAlgorithm(population, new TruncationSelection(0.25), mutation, null, eliteCount: 1, s.LineageSeed(l));
            }).ToArray());
        }
        var start = torch.zeros(o.PopulationSize, s.Training ? n + n * n : n, dtype: ScalarType.Float64, device: s.Device);
        var scale = torch.cat(new[]
        {
            ScalarMath.Full(new long[] { n }, o.SigmaG, ScalarType.Float64, s.Device),
            ScalarMath.Full(new long[] { n * n }, o.SigmaB, ScalarType.Float64, s.Device),
        }); // per-gene mutation size of [G | B]
        return new StrategyGroup(Enumerable.Range(0, s.Lineages).Select(l => (IEvolutionStrategy)new GeneticAlgorithm(start,
            new TruncationSelection(0.25), s.Training ? new ScaledGaussianMutation(scale) : new GaussianMutation(o.SigmaG), null,
            eliteCount: 1, s.LineageSeed(l))).ToArray());
    }

    // Uniformly random bases (count, L) drawn with the seed, as 0..3 in float64: the uniform prior over DNA.
    private static Tensor RandomBases(long seed, int count, int loci, Device device)
    {
        using var generator = Seeds.Generator(device, seed, 1003);
        return torch.randint(0, 4, new long[] { count, loci }, dtype: ScalarType.Int64, device: device, generator: generator).to(ScalarType.Float64);
    }

    // Start rows [G = 0 | bases] from blocks of bases, one block per lineage, in lineage order.
    private static Tensor DnaStart(SearchSpec s, IEnumerable<Tensor> bases)
    {
        using var scope = torch.NewDisposeScope();
        var dna = torch.cat(bases.ToArray(), 0);
        var start = torch.cat(new[] { torch.zeros(dna.shape[0], s.Options.Traits, dtype: ScalarType.Float64, device: s.Device), dna }, 1);
        return start.MoveToOuterDisposeScope();
    }

    // Fitness of genomes [G | B] (training) or G with B frozen at (N, N) (test), rows grouped by lineage; targets (N) shared or
    // one per lineage (L, N); costs one per lineage (L).
    private static Tensor LineageFitness(GeneralisationOptions o, Tensor genomes, Tensor? frozenB, Tensor target, Tensor lambda, SequenceAffinity? affinity = null)
    {
        int n = o.Traits;
        long lineages = lambda.shape[0], perLineage = genomes.shape[0] / lineages;
        var g = genomes.narrow(1, 0, n);
        var b = frozenB is null ? RegulationOf(o, genomes.narrow(1, n, genomes.shape[1] - n), affinity) : frozenB.unsqueeze(0).expand(genomes.shape[0], -1, -1);
        var rowTargets = target.dim() == 1 || perLineage == 1 ? target : target.repeat_interleave(perLineage, 0);
        return Fitness(g, b, rowTargets, o, perLineage == 1 ? lambda : lambda.repeat_interleave(perLineage, 0));
    }

    // Training phase: every (group, replicate) lineage evolves (G, B) from 0 while the target cycles every SwitchEvery
    // generations (the search measures its parents again at each switch). A group is a connection cost and an
    // environmental noise kappa: with kappa > 0 its lineages see the target plus fresh N(0, kappa^2) noise on every trait in
    // every generation, and the search measures its parents again under each draw. Returns each lineage's evolved B
    // (L, N, N), lineages group-major: the parent of a hill-climber lineage; the elite of a GA's last generation, not its
    // best of all time, because the elite carries the regulation evolved under every target, not one lucky individual
    // from an early period.
    // With an affinity layer the genomes are [G | bases] and B is what the layer reads from the bases (the diagonal dropped
    // without self-regulation); the second result then holds each lineage's evolved DNA as text (empty otherwise).
    private static (Tensor B, string[] Sequences) Train(GeneralisationOptions o, (double Cost, double Noise)[] groups, double[][] targets, long seed, Device device,
        StepCounter steps, string label, CancellationToken cancel, SequenceAffinity? affinity = null)
    {
        int loci = affinity?.Layout.Length ?? 0;
        int n = o.Traits, width = n + (affinity is null ? n * n : loci), lineages = groups.Length * o.Replicates;
        using var search = Searches[o.Strategy](new SearchSpec(o, true, lineages, seed, l => ReplicateSeed(seed, l % o.Replicates), device, loci));
        using var lambda = torch.tensor(groups.SelectMany(g => Enumerable.Repeat(g.Cost, o.Replicates)).ToArray(), dtype: ScalarType.Float64, device: device);
        bool noisy = groups.Any(g => g.Noise > 0);
        using var kappa = torch.tensor(groups.SelectMany(g => Enumerable.Repeat(g.Noise, o.Replicates)).ToArray(), dtype: ScalarType.Float64, device: device);
        using var environment = noisy ? Seeds.Generator(device, seed, 2017) : null;
        using var targetTensor = torch.tensor(targets.SelectMany(t => t).ToArray(), dtype: ScalarType.Float64, device: device).reshape(targets.Length, n);
        for (int gen = 0; gen < o.TrainingGenerations; gen++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            var target = targetTensor[(gen / o.SwitchEvery) % targets.Length];
            if (noisy)
                target = target.unsqueeze(0).Plus(torch.randn(new long[] { lineages, n }, dtype: ScalarType.Float64, device: device, generator: environment)
                    .mul(kappa.unsqueeze(1)));                                                      // (L, N): this generation's environments
            Tensor FitnessOf(Tensor genomes) => LineageFitness(o, genomes, null, target, lambda, affinity);
            if (noisy || gen % o.SwitchEvery == 0) search.Reevaluate(FitnessOf);
            search.Tell(FitnessOf(search.Ask()));
            steps.Advance(() => $"{label}: generation {gen + 1}/{o.TrainingGenerations}", every: Math.Max(1, o.TrainingGenerations / 200));
        }
        using var parents = search.Parents;                                                       // (L x K, N + N^2), lineage-major
        var first = parents.view(lineages, -1, width).select(1, 0);                               // (L, width): each lineage's first parent
        var sequences = affinity is null ? Array.Empty<string>() : NucleotideGenome.ToStrings(first.narrow(1, n, loci).round().to(ScalarType.Int64).cpu());
        var evolved = RegulationOf(o, first.narrow(1, n, width - n), affinity);
        return (evolved.clone(), sequences);
    }

    /// <summary>
    /// The affinity layer of the nucleotide genome: <see cref="SequenceAffinity"/> over <see cref="GeneralisationOptions.Layout"/>
    /// with its default (untrained) potential, gain and threshold, in float64 on <paramref name="device"/>.
    /// </summary>
    public static SequenceAffinity Affinity(GeneralisationOptions o, Device device)
    {
        var affinity = new SequenceAffinity(o.Layout);
        affinity.to(ScalarType.Float64).to(device);
        foreach (var parameter in affinity.parameters()) parameter.requires_grad = false;
        return affinity;
    }

    /// <summary>
    /// B (R, N, N) of the regulatory part of training genomes (R, width - N): the entries themselves (direct), or the
    /// regulatory matrix <paramref name="affinity"/> reads from bases stored as 0..3 (nucleotide); the diagonal is zero
    /// without self-regulation.
    /// </summary>
    public static Tensor RegulationOf(GeneralisationOptions o, Tensor regulatory, SequenceAffinity? affinity)
    {
        int n = o.Traits;
        var b = affinity is null
            ? regulatory.reshape(-1, n, n)
            : affinity.forward(NucleotideGenome.OneHot(regulatory.round().to(ScalarType.Int64)).to(affinity.parameters().First().dtype))
                .Weights.to(regulatory.dtype);                                                                              // (R, N, N)
        return o.SelfRegulation ? b : b * torch.eye(n, dtype: b.dtype, device: b.device).RSub(1L);
    }

    // Test phase: B frozen, one lineage per target, G from 0, only G mutates; returns per target the first generation in
    // which a parent of its lineage (the hill climber's parent, any of the GA's population) has the target's sign in every
    // trait, or the test budget if none does. (P is not bounded by 1, so a fitness threshold alone could be met with some
    // traits wrong.)
    private static double[] GenerationsToAdapt(GeneralisationOptions o, Tensor b, double[][] targets, long seed, Device device, CancellationToken cancel)
    {
        int n = o.Traits, k = targets.Length;
        using var search = Searches[o.Strategy](new SearchSpec(o, false, k, seed, _ => seed, device));
        using var t = torch.tensor(targets.SelectMany(x => x).ToArray(), dtype: ScalarType.Float64, device: device).reshape(k, n);
        using var noCost = torch.zeros(k, dtype: ScalarType.Float64, device: device);
        Tensor FitnessOf(Tensor genomes) => LineageFitness(o, genomes, b, t, noCost);
        search.Reevaluate(FitnessOf);
        var reached = Enumerable.Repeat((double)o.TestGenerations, k).ToArray();
        for (int gen = 0; gen < o.TestGenerations; gen++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            var parents = search.Parents;                                                         // (K x P, N)
            long perLineage = parents.shape[0] / k;
            var p = Develop(parents, b, o.DevelopmentSteps, o.Tau1, o.Tau2);
            var hit = (p * t.repeat_interleave(perLineage, 0)).Gt(0).all(1).view(k, perLineage).any(1).to(torch.CPU).data<bool>().ToArray();
            bool open = false;
            for (int i = 0; i < k; i++)
            {
                if (hit[i] && reached[i] >= o.TestGenerations) reached[i] = gen;
                open |= reached[i] >= o.TestGenerations;
            }
            if (!open) break;
            search.Tell(FitnessOf(search.Ask()));
        }
        return reached;
    }

    /// <summary>Random genotypes G ~ N(0, ProbeSigma^2) (ProbeGenotypes x N) drawn with <paramref name="seed"/>.</summary>
    public static Tensor ProbeGenotypes(GeneralisationOptions o, long seed, Device device)
    {
        using var g = new Generator((ulong)seed, device);
        return torch.randn(new long[] { o.ProbeGenotypes, o.Traits }, dtype: ScalarType.Float64, device: device, generator: g).Mul(o.ProbeSigma);
    }

    /// <summary>
    /// The phenotypic distribution of <paramref name="genotypes"/> (K, N) developed through <paramref name="b"/> (Kouvaris et
    /// al. 2017, fig. 2): the share whose phenotype's sign pattern is each pattern of the modular class (every trait of a
    /// module with its module's sign, no trait at 0), the shares that are a training pattern or its negative (development is
    /// odd) and that are an unseen pattern, and two errors of the distribution (ours; Kouvaris et al. 2017 compare it with
    /// the distribution of an ideal network): the Hellinger distance sqrt(1 - sum_c sqrt(p_c q_c)) to q uniform over the
    /// training patterns and their negatives (training error), and to q uniform over the whole class (generalisation
    /// error). Mass on patterns outside the class counts against both.
    /// </summary>
    public static PhenotypicDistribution Distribution(GeneralisationOptions o, Tensor genotypes, Tensor b, double[][] training, double[][] unseen)
    {
        using var scope = torch.NewDisposeScope();
        int m = o.Modules, size = o.Traits / m, patterns = 1 << m;
        long k = genotypes.shape[0];
        var signs = Develop(genotypes, b, o.DevelopmentSteps, o.Tau1, o.Tau2).sign().view(k, m, size);   // (K, M, size)
        var moduleSign = signs.select(2, 0);                                                              // (K, M)
        var modular = signs.eq(moduleSign.unsqueeze(2)).all(2).logical_and(moduleSign.abs().Gt(0.0)).all(1);        // (K)
        var weights = torch.tensor(Enumerable.Range(0, m).Select(i => 1L << i).ToArray(), device: genotypes.device);
        var masks = moduleSign.Gt(0.0).to(ScalarType.Int64).mul(weights).sum(1).masked_select(modular);   // (modular K)
        var counts = torch.bincount(masks, minlength: patterns).to(torch.CPU).data<long>().ToArray();
        int all = patterns - 1;
        var seen = new HashSet<int>(training.Select(t => Mask(o, t)).SelectMany(x => new[] { x, ~x & all }));
        var unseenMasks = new HashSet<int>(unseen.Select(t => Mask(o, t)));
        var shares = counts.Select(c => c / (double)k).ToArray();
        double seenShare = seen.Sum(x => counts[x]) / (double)k, unseenShare = unseenMasks.Sum(x => counts[x]) / (double)k;
        return new PhenotypicDistribution(shares, seenShare, unseenShare, Hellinger(shares, seen), Hellinger(shares, Enumerable.Range(0, patterns).ToHashSet()));
    }

    /// <summary>Hellinger distance sqrt(1 - sum_c sqrt(p_c / |S|)) between shares p and the uniform distribution over the patterns S.</summary>
    public static double Hellinger(double[] shares, IReadOnlySet<int> set)
    {
        double affinity = set.Sum(c => Math.Sqrt(shares[c] / set.Count));
        return Math.Sqrt(Math.Max(0, 1 - affinity));
    }
}
