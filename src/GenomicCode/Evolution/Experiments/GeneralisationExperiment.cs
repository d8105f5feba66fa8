using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution.Experiments;

/// <summary>Settings of <see cref="GeneralisationExperiment"/>. Defaults are ours, chosen to run in about a minute on 2 CPU cores.</summary>
public sealed record GeneralisationOptions
{
    /// <summary>Traits (genes) N; must be a multiple of <see cref="Modules"/>. Default 12.</summary>
    public int Traits { get; init; } = 12;

    /// <summary>
    /// Modules the traits fall into (>= 3); each module is all +1 or all -1 in a target. Three are needed because the
    /// development map is odd (-P develops from -G), so a held-out target must not be the negative of a training one.
    /// Default 3.
    /// </summary>
    public int Modules { get; init; } = 3;

    /// <summary>Developmental steps T. Default 10.</summary>
    public int DevelopmentSteps { get; init; } = 10;

    /// <summary>tau1, the rate of regulation. Default 1.</summary>
    public double Tau1 { get; init; } = 1.0;

    /// <summary>tau2, the decay rate. Default 0.2.</summary>
    public double Tau2 { get; init; } = 0.2;

    /// <summary>Individuals per generation. Default 64.</summary>
    public int PopulationSize { get; init; } = 64;

    /// <summary>Generations of the training phase. Default 3000.</summary>
    public int TrainingGenerations { get; init; } = 3000;

    /// <summary>Generations between target switches in training. Default 25.</summary>
    public int SwitchEvery { get; init; } = 25;

    /// <summary>Mutation size of the direct effects G. Default 0.05.</summary>
    public double SigmaG { get; init; } = 0.05;

    /// <summary>Mutation size of the regulatory weights B. Default 0.01.</summary>
    public double SigmaB { get; init; } = 0.01;

    /// <summary>L1 connection cost lambda per weight (Kouvaris et al. 2017 use L1 and L2 costs). Default 0.02.</summary>
    public double ConnectionCost { get; init; } = 0.02;

    /// <summary>
    /// Whether a gene may regulate itself (the diagonal of B). Off by default: with self-loops every gene amplifies its own
    /// initial sign and any pattern becomes an attractor, so nothing is learned about the modules.
    /// </summary>
    public bool SelfRegulation { get; init; }

    /// <summary>Random genotypes drawn to measure the phenotypic distribution. Default 2000.</summary>
    public int ProbeGenotypes { get; init; } = 2000;

    /// <summary>Standard deviation of the probe genotypes G ~ N(0, s^2). Default 0.1.</summary>
    public double ProbeSigma { get; init; } = 0.1;


    /// <summary>Generations allowed to adapt to a test target. Default 300.</summary>
    public int TestGenerations { get; init; } = 300;

    /// <summary>Independent replicate runs per condition. Default 3.</summary>
    public int Replicates { get; init; } = 3;

    /// <summary>Throws a one-line error naming the first bad field.</summary>
    public GeneralisationOptions Validate()
    {
        if (Modules < 3) throw new UserInputException($"Modules must be >= 3 (a held-out target must not be the negative of a training target), got {Modules}.");
        if (Traits < Modules || Traits % Modules != 0) throw new UserInputException($"Traits must be a positive multiple of Modules ({Modules}), got {Traits}.");
        Guard.InRange(DevelopmentSteps, 1, 1000);
        Guard.NonNegative(Tau1);
        Guard.InRange(Tau2, 0, 1);
        Guard.InRange(PopulationSize, 2, 100_000);
        Guard.InRange(TrainingGenerations, 1, 10_000_000);
        Guard.InRange(SwitchEvery, 1, 10_000_000);
        Guard.NonNegative(SigmaG);
        Guard.NonNegative(SigmaB);
        Guard.NonNegative(ConnectionCost);
        Guard.InRange(TestGenerations, 1, 10_000_000);
        Guard.InRange(Replicates, 1, 1000);
        return this;
    }
}

/// <summary>What one condition (with or without connection cost) produced, averaged over replicates.</summary>
/// <param name="Condition">Name of the condition.</param>
/// <param name="ConnectionCost">L1 cost used in training.</param>
/// <param name="GenerationsToAdaptSeen">Mean generations to adapt to a training target again (G re-evolved from 0, B fixed).</param>
/// <param name="GenerationsToAdaptUnseen">Mean generations to adapt to targets never seen in training.</param>
/// <param name="UnseenAdaptedShare">Share of (replicate, unseen target) pairs that adapted within the test budget.</param>
/// <param name="WithinModuleWeight">Mean |B_ij| for i != j in the same module.</param>
/// <param name="BetweenModuleWeight">Mean |B_ij| for i, j in different modules.</param>
/// <param name="RandomToSeenShare">Share of random genotypes whose phenotype's sign pattern is a training target.</param>
/// <param name="RandomToUnseenShare">Share of random genotypes whose phenotype's sign pattern is an unseen target.</param>
/// <param name="RegulatoryMatrix">The evolved B of the first replicate (N x N, row-major), for plotting.</param>
public sealed record GeneralisationCondition(string Condition, double ConnectionCost, double GenerationsToAdaptSeen,
    double GenerationsToAdaptUnseen, double UnseenAdaptedShare, double WithinModuleWeight, double BetweenModuleWeight,
    double RandomToSeenShare, double RandomToUnseenShare, double[] RegulatoryMatrix);

/// <summary>The experiment's result: the conditions side by side, with the targets used.</summary>
/// <param name="Options">Settings used.</param>
/// <param name="TrainingTargets">Targets alternated during training (each N values of +-1).</param>
/// <param name="UnseenTargets">Targets of the same modular class never seen in training.</param>
/// <param name="Conditions">Baseline (B = 0), no connection cost, connection cost.</param>
public sealed record GeneralisationResult(GeneralisationOptions Options, double[][] TrainingTargets, double[][] UnseenTargets,
    IReadOnlyList<GeneralisationCondition> Conditions);

/// <summary>
/// "Evolution learns to generalise" (Watson et al. 2014, "The evolution of phenotypic correlations and developmental
/// memory"; Kouvaris et al. 2017, "How evolution learns to generalise"). A gene-regulatory network develops the
/// phenotype P(t+1) = P(t) + tau1 tanh(B P(t)) - tau2 P(t) from P(0) = G (Watson et al. 2014, eq. 1). Training: a
/// population evolves (G, B) while the target alternates between modular patterns, fitness = P(T).S / N minus an
/// optional L1 connection cost on B (Kouvaris et al. 2017, eq. 3). Test: B is frozen, G restarts at 0, and we count the
/// generations needed to reach a target, for the training targets and for targets of the same modules never seen.
/// The claim: a connection cost makes B encode the modules rather than the particular targets, so it adapts faster
/// to unseen combinations of the same modules.
/// </summary>
public static class GeneralisationExperiment
{
    /// <summary>Runs the baseline, the no-cost and the cost conditions with <paramref name="seed"/>.</summary>
    public static GeneralisationResult Run(GeneralisationOptions options, long seed, Device? device = null, Action<string>? progress = null)
    {
        options.Validate();
        NativeRuntime.EnsureLoaded();
        var dev = device ?? torch.CPU;
        var (training, unseen) = Targets(options);
        var conditions = new List<GeneralisationCondition>
        {
            RunCondition("no regulation (B = 0)", options, null, training, unseen, seed, dev, progress),
            RunCondition("evolved B, no connection cost", options, 0.0, training, unseen, seed, dev, progress),
            RunCondition($"evolved B, L1 connection cost {options.ConnectionCost}", options, options.ConnectionCost, training, unseen, seed, dev, progress),
        };
        return new GeneralisationResult(options, training, unseen, conditions);
    }

    /// <summary>
    /// Training and unseen targets: every combination of module signs (2^M patterns, M modules). The unseen pair is the
    /// pattern where the first module disagrees with all the others, and its negative; every other pattern is a training
    /// target. For M = 3: training +++, ---, ++-, --+, +-+, -+-; unseen -++ and +--. In training every module is internally
    /// uniform while the correlations between modules are weak (+-1/3 for M = 3): a network that encodes the modules
    /// rather than the particular patterns also produces the unseen ones.
    /// </summary>
    public static (double[][] Training, double[][] Unseen) Targets(GeneralisationOptions o)
    {
        int size = o.Traits / o.Modules;
        int allButFirst = ((1 << o.Modules) - 1) & ~1; // modules 2..M "+", module 1 "-"
        var training = new List<double[]>();
        var unseen = new List<double[]>();
        for (int mask = 0; mask < 1 << o.Modules; mask++)
        {
            var t = new double[o.Traits];
            for (int m = 0; m < o.Modules; m++)
                for (int i = 0; i < size; i++)
                    t[m * size + i] = ((mask >> m) & 1) == 1 ? 1 : -1;
            bool heldOut = mask == allButFirst || mask == (~allButFirst & ((1 << o.Modules) - 1));
            (heldOut ? unseen : training).Add(t);
        }
        return (training.ToArray(), unseen.ToArray());
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
            p = p + tau1 * torch.tanh(torch.bmm(batched, p.unsqueeze(2)).squeeze(2)) - tau2 * p;
        return p;
    }

    private static GeneralisationCondition RunCondition(string name, GeneralisationOptions o, double? cost, double[][] training,
        double[][] unseen, long seed, Device device, Action<string>? progress)
    {
        int n = o.Traits;
        var seenTimes = new List<double>();
        var unseenTimes = new List<double>();
        int adaptedUnseen = 0;
        double within = 0, between = 0, toSeen = 0, toUnseen = 0;
        double[]? firstB = null;
        for (int r = 0; r < o.Replicates; r++)
        {
            long runSeed = (long)(Seeds.Derive(seed, r) & 0x7FFFFFFFFFFFFFFF);
            using var b = cost is null ? torch.zeros(n, n, dtype: ScalarType.Float64, device: device) : Train(o, cost.Value, training, runSeed, device);
            progress?.Invoke($"{name}: replicate {r + 1}/{o.Replicates} trained");
            var (seenShare, unseenShare) = PhenotypicDistribution(o, b, training, unseen, runSeed + 3, device);
            toSeen += seenShare;
            toUnseen += unseenShare;
            foreach (var t in training) seenTimes.Add(GenerationsToAdapt(o, b, t, runSeed + 1, device) ?? o.TestGenerations);
            foreach (var t in unseen)
            {
                int? gens = GenerationsToAdapt(o, b, t, runSeed + 2, device);
                if (gens is not null) adaptedUnseen++;
                unseenTimes.Add(gens ?? o.TestGenerations);
            }
            var abs = b.abs().to(torch.CPU).data<double>().ToArray();
            int size = n / o.Modules;
            double w = 0, bw = 0;
            int wc = 0, bc = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    if (i == j) continue;
                    if (i / size == j / size) { w += abs[i * n + j]; wc++; }
                    else { bw += abs[i * n + j]; bc++; }
                }
            within += w / wc;
            between += bw / bc;
            firstB ??= b.to(torch.CPU).data<double>().ToArray();
        }
        return new GeneralisationCondition(name, cost ?? 0, seenTimes.Average(), unseenTimes.Average(),
            (double)adaptedUnseen / (o.Replicates * unseen.Length), within / o.Replicates, between / o.Replicates,
            toSeen / o.Replicates, toUnseen / o.Replicates, firstB!);
    }

    // Training phase: a GA over genomes [G (N), B (N x N)] with truncation selection and elitism; the target alternates.
    private static Tensor Train(GeneralisationOptions o, double cost, double[][] targets, long seed, Device device)
    {
        int n = o.Traits, genomeSize = n + n * n;
        using var scale = torch.cat(new[]
        {
            torch.full(n, o.SigmaG, dtype: ScalarType.Float64, device: device),
            torch.full(n * n, o.SigmaB, dtype: ScalarType.Float64, device: device),
        }); // per-gene mutation size
        using var targetTensor = torch.tensor(targets.SelectMany(t => t).ToArray(), dtype: ScalarType.Float64, device: device).reshape(targets.Length, n);
        using var start = torch.zeros(o.PopulationSize, genomeSize, dtype: ScalarType.Float64, device: device);
        using var ga = new GeneticAlgorithm(start, new TruncationSelection(0.25), new ScaledGaussianMutation(scale), null, eliteCount: 1, seed);
        for (int gen = 0; gen < o.TrainingGenerations; gen++)
        {
            using var scope = torch.NewDisposeScope();
            var target = targetTensor[(gen / o.SwitchEvery) % targets.Length];
            var population = ga.Ask();
            var g = population.narrow(1, 0, n);
            var b = population.narrow(1, n, n * n).reshape(-1, n, n);
            if (!o.SelfRegulation) b = b * (1 - torch.eye(n, dtype: ScalarType.Float64, device: device));
            var p = Develop(g, b, o.DevelopmentSteps, o.Tau1, o.Tau2);
            var fitness = p.matmul(target) / n - cost * b.abs().sum(new long[] { 1, 2 }) / n;
            ga.Tell(fitness);
        }
        // The elite of the last generation (row 0 of the next population), not the best of all time: it carries the
        // regulation evolved under every target, not one lucky individual from an early target period.
        using var last = ga.Ask();
        var evolved = last[0L].narrow(0, n, n * n).reshape(n, n);
        return o.SelfRegulation ? evolved.clone() : evolved * (1 - torch.eye(n, dtype: ScalarType.Float64, device: device));
    }

    // Phenotypic distribution (Kouvaris et al. 2017, fig. 3): develop random genotypes through B and classify the sign
    // pattern of each phenotype as a training target, an unseen target, or neither.
    private static (double Seen, double Unseen) PhenotypicDistribution(GeneralisationOptions o, Tensor b, double[][] training,
        double[][] unseen, long seed, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator((ulong)seed, device);
        var genotypes = torch.randn(new long[] { o.ProbeGenotypes, o.Traits }, dtype: ScalarType.Float64, device: device, generator: g) * o.ProbeSigma;
        var signs = Develop(genotypes, b, o.DevelopmentSteps, o.Tau1, o.Tau2).sign();                     // (K, N)
        double Share(double[][] targets)
        {
            var t = torch.tensor(targets.SelectMany(x => x).ToArray(), dtype: ScalarType.Float64, device: device).reshape(targets.Length, o.Traits);
            var match = signs.matmul(t.t()).eq(o.Traits).any(1);                                           // exact sign match
            return match.to(ScalarType.Float64).mean().item<double>();
        }
        return (Share(training), Share(unseen));
    }

    // Test phase: B frozen, G evolves from 0 towards one target (fitness P.S / N); returns the first generation in which
    // some individual's phenotype has the target's sign in every trait, or null. (P is not bounded by 1, so a fitness
    // threshold alone could be met with some traits wrong.)
    private static int? GenerationsToAdapt(GeneralisationOptions o, Tensor b, double[] target, long seed, Device device)
    {
        int n = o.Traits;
        using var t = torch.tensor(target, dtype: ScalarType.Float64, device: device);
        using var start = torch.zeros(o.PopulationSize, n, dtype: ScalarType.Float64, device: device);
        using var ga = new GeneticAlgorithm(start, new TruncationSelection(0.25), new GaussianMutation(o.SigmaG), null, eliteCount: 1, seed);
        for (int gen = 0; gen < o.TestGenerations; gen++)
        {
            using var scope = torch.NewDisposeScope();
            var g = ga.Ask();
            var p = Develop(g, b, o.DevelopmentSteps, o.Tau1, o.Tau2);
            if ((p * t).gt(0).all(1).any().item<bool>()) return gen;
            var fitness = p.matmul(t) / n;
            ga.Tell(fitness);
        }
        return null;
    }
}
