using GenomicCode.Core;
using GenomicCode.Evolution;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>
/// Settings of <see cref="GeneralisationExperiment"/>. The defaults are our reading of Watson et al. 2014 and Kouvaris et
/// al. 2017 (a (1+1) hill climber, tau1 = 1, tau2 = 0.2, T = 10, |G_i| &lt;= 1, one mutation per generation, long target
/// periods), scaled to run in a few minutes on 2 CPU cores; <see cref="GeneticAlgorithmDefaults"/> are the earlier
/// population-based settings.
/// </summary>
public sealed record GeneralisationOptions
{
    /// <summary>The strategies: "hill-climber" ((1+1), as in the papers) and "ga" (truncation GA with elitism).</summary>
    public static readonly IReadOnlyList<string> Strategies = new[] { "hill-climber", "ga" };

    /// <summary>The target sets: "complement" and "orthogonal" (see <see cref="GeneralisationExperiment.Targets"/>).</summary>
    public static readonly IReadOnlyList<string> TargetSets = new[] { "complement", "orthogonal" };

    /// <summary>The earlier population-based settings: a GA of 64 over 3000 generations, switching every 25, L1 cost 0.02.</summary>
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

    /// <summary>Throws a one-line error naming the first bad field.</summary>
    public GeneralisationOptions Validate()
    {
        if (!Strategies.Contains(Strategy)) throw new UserInputException($"Strategy must be one of {string.Join(", ", Strategies)}, got '{Strategy}'.");
        if (!TargetSets.Contains(TargetSet)) throw new UserInputException($"TargetSet must be one of {string.Join(", ", TargetSets)}, got '{TargetSet}'.");
        if (!RegulatoryHillClimber.CostNorms.Contains(CostNorm)) throw new UserInputException($"CostNorm must be one of {string.Join(", ", RegulatoryHillClimber.CostNorms)}, got '{CostNorm}'.");
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
        return this;
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
public sealed record GeneralisationReplicate(double RandomToSeenShare, double RandomToUnseenShare, double GenerationsToAdaptSeen,
    double GenerationsToAdaptUnseen, double UnseenAdaptedShare, double WithinModuleWeight, double BetweenModuleWeight,
    double HebbianCorrelation);

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
public sealed record GeneralisationCondition(string Condition, double ConnectionCost, double GenerationsToAdaptSeen,
    double GenerationsToAdaptUnseen, double UnseenAdaptedShare, double WithinModuleWeight, double BetweenModuleWeight,
    double RandomToSeenShare, double RandomToUnseenShare, double[] RegulatoryMatrix, double RandomToUnseenShareSd,
    double GenerationsToAdaptUnseenSd, double HebbianCorrelation, IReadOnlyList<GeneralisationReplicate> Replicates);

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
    /// <summary>Runs the baseline, the no-cost and the cost conditions with <paramref name="seed"/>.</summary>
    public static GeneralisationResult Run(GeneralisationOptions options, long seed, Device? device = null, Action<string>? progress = null)
    {
        options.Validate();
        NativeRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope(); // the result is plain data: every tensor made below is freed on return
        var dev = device ?? torch.CPU;
        var (training, unseen) = Targets(options);
        int r = options.Replicates;
        Tensor? evolved = null; // hill climber: both evolved conditions train side by side, rows [no cost x R, cost x R]
        if (options.Strategy == "hill-climber")
            evolved = TrainHillClimber(options, new[] { 0.0, options.ConnectionCost }, training, seed, dev);
        try
        {
            var conditions = new List<GeneralisationCondition>
            {
                RunCondition("no regulation (B = 0)", options, null, null, training, unseen, seed, dev, progress),
                RunCondition("evolved B, no connection cost", options, 0.0, evolved?.narrow(0, 0, r), training, unseen, seed, dev, progress),
                RunCondition($"evolved B, {options.CostNorm.ToUpperInvariant()} connection cost {options.ConnectionCost}", options,
                    options.ConnectionCost, evolved?.narrow(0, r, r), training, unseen, seed, dev, progress),
            };
            return new GeneralisationResult(options, training, unseen, conditions);
        }
        finally
        {
            evolved?.Dispose();
        }
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

    private static GeneralisationCondition RunCondition(string name, GeneralisationOptions o, double? cost, Tensor? trained,
        double[][] training, double[][] unseen, long seed, Device device, Action<string>? progress)
    {
        int n = o.Traits, size = n / o.Modules;
        bool hill = o.Strategy == "hill-climber";
        // Every replicate's evolved B: (R, N, N).
        using var bs = cost is null ? torch.zeros(o.Replicates, n, n, dtype: ScalarType.Float64, device: device)
            : trained is not null ? trained.clone()
            : torch.stack(Enumerable.Range(0, o.Replicates).Select(r => TrainGa(o, cost.Value, training, ReplicateSeed(seed, r), device)).ToArray());
        progress?.Invoke($"{name}: {o.Replicates} replicate(s) trained");
        var replicates = new List<GeneralisationReplicate>();
        for (int r = 0; r < o.Replicates; r++)
        {
            long runSeed = ReplicateSeed(seed, r);
            using var b = bs[r].clone();
            var (seenShare, unseenShare) = PhenotypicDistribution(o, b, training, unseen, runSeed + 3, device);
            double[] seenTimes, unseenTimes;
            if (hill)
            {
                seenTimes = HillClimberGenerationsToAdapt(o, b, training, runSeed + 1, device);
                unseenTimes = HillClimberGenerationsToAdapt(o, b, unseen, runSeed + 2, device);
            }
            else
            {
                seenTimes = training.Select(t => (double)(GaGenerationsToAdapt(o, b, t, runSeed + 1, device) ?? o.TestGenerations)).ToArray();
                unseenTimes = unseen.Select(t => (double)(GaGenerationsToAdapt(o, b, t, runSeed + 2, device) ?? o.TestGenerations)).ToArray();
            }
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
            replicates.Add(new GeneralisationReplicate(seenShare, unseenShare, seenTimes.Average(), unseenTimes.Average(),
                unseenTimes.Count(t => t < o.TestGenerations) / (double)unseenTimes.Length, w / wc, bw / bc,
                HebbianCorrelation(values, training)));
        }
        static double Sd(IEnumerable<double> v)
        {
            var a = v.ToArray();
            double mean = a.Average();
            return a.Length < 2 ? 0 : Math.Sqrt(a.Sum(x => (x - mean) * (x - mean)) / (a.Length - 1));
        }
        var first = bs[0].to(torch.CPU).data<double>().ToArray();
        return new GeneralisationCondition(name, cost ?? 0, replicates.Average(x => x.GenerationsToAdaptSeen),
            replicates.Average(x => x.GenerationsToAdaptUnseen), replicates.Average(x => x.UnseenAdaptedShare),
            replicates.Average(x => x.WithinModuleWeight), replicates.Average(x => x.BetweenModuleWeight),
            replicates.Average(x => x.RandomToSeenShare), replicates.Average(x => x.RandomToUnseenShare), first,
            Sd(replicates.Select(x => x.RandomToUnseenShare)), Sd(replicates.Select(x => x.GenerationsToAdaptUnseen)),
            replicates.Average(x => x.HebbianCorrelation), replicates);
    }

    private static long ReplicateSeed(long seed, int replicate) => (long)(Seeds.Derive(seed, replicate) & 0x7FFFFFFFFFFFFFFF);

    // Training phase with the (1+1) hill climber (Watson et al. 2014; Kouvaris et al. 2017): every (cost, replicate) is one
    // lineage, all run as rows of one batch from G = 0, B = 0; the target switches every SwitchEvery generations.
    private static Tensor TrainHillClimber(GeneralisationOptions o, double[] costs, double[][] targets, long seed, Device device)
    {
        int n = o.Traits, r = o.Replicates * costs.Length;
        using var generator = new Generator((ulong)seed, device);
        using var lambda = torch.tensor(costs.SelectMany(c => Enumerable.Repeat(c, o.Replicates)).ToArray(), dtype: ScalarType.Float64, device: device);
        using var targetTensor = torch.tensor(targets.SelectMany(t => t).ToArray(), dtype: ScalarType.Float64, device: device).reshape(targets.Length, n);
        var g = torch.zeros(r, n, dtype: ScalarType.Float64, device: device);
        var b = torch.zeros(r, n, n, dtype: ScalarType.Float64, device: device);
        Tensor? fitness = null;
        for (int gen = 0; gen < o.TrainingGenerations; gen++)
        {
            using var scope = torch.NewDisposeScope();
            var target = targetTensor[(gen / o.SwitchEvery) % targets.Length];
            var f = gen % o.SwitchEvery == 0 || fitness is null ? RegulatoryHillClimber.Fitness(g, b, target, o, lambda) : fitness;
            var (g2, b2) = RegulatoryHillClimber.Propose(g, b, o.SigmaG, o.SigmaB, o.GenotypeBound, o.MutateRegulationProbability, o.SelfRegulation, generator);
            var f2 = RegulatoryHillClimber.Fitness(g2, b2, target, o, lambda);
            var (gn, bn, fn) = RegulatoryHillClimber.Select(g, b, f, g2, b2, f2);
            g.Dispose(); b.Dispose(); fitness?.Dispose();
            g = gn.MoveToOuterDisposeScope();
            b = bn.MoveToOuterDisposeScope();
            fitness = fn.MoveToOuterDisposeScope();
        }
        g.Dispose();
        fitness?.Dispose();
        return b;
    }

    // Test phase with the hill climber: B frozen, one lineage per target, G from 0, only G mutates (sigmaG, bound);
    // returns per target the first generation whose phenotype has the target's sign in every trait (the test budget if never).
    private static double[] HillClimberGenerationsToAdapt(GeneralisationOptions o, Tensor b, double[][] targets, long seed, Device device)
    {
        int n = o.Traits, k = targets.Length;
        using var generator = new Generator((ulong)seed, device);
        using var t = torch.tensor(targets.SelectMany(x => x).ToArray(), dtype: ScalarType.Float64, device: device).reshape(k, n);
        using var bk = b.unsqueeze(0).expand(k, -1, -1).contiguous();
        var g = torch.zeros(k, n, dtype: ScalarType.Float64, device: device);
        var reached = Enumerable.Repeat((double)o.TestGenerations, k).ToArray();
        Tensor? fitness = null;
        for (int gen = 0; gen < o.TestGenerations; gen++)
        {
            using var scope = torch.NewDisposeScope();
            var p = Develop(g, bk, o.DevelopmentSteps, o.Tau1, o.Tau2);
            var hit = (p * t).Gt(0).all(1).to(torch.CPU).data<bool>().ToArray();
            bool open = false;
            for (int i = 0; i < k; i++)
            {
                if (hit[i] && reached[i] >= o.TestGenerations) reached[i] = gen;
                open |= reached[i] >= o.TestGenerations;
            }
            if (!open) break;
            var f = fitness ?? (p * t).sum(1).Div(n);
            var (g2, _) = RegulatoryHillClimber.Propose(g, bk, o.SigmaG, 0, o.GenotypeBound, 0, true, generator);
            var f2 = RegulatoryHillClimber.Fitness(g2, bk, t, o, 0);
            var (gn, _, fn) = RegulatoryHillClimber.Select(g, bk, f, g2, bk, f2);
            g.Dispose(); fitness?.Dispose();
            g = gn.MoveToOuterDisposeScope();
            fitness = fn.MoveToOuterDisposeScope();
        }
        g.Dispose();
        fitness?.Dispose();
        return reached;
    }

    // Training phase with the GA over genomes [G (N), B (N x N)] with truncation selection and elitism; the target alternates.
    private static Tensor TrainGa(GeneralisationOptions o, double cost, double[][] targets, long seed, Device device)
    {
        int n = o.Traits, genomeSize = n + n * n;
        using var scale = torch.cat(new[]
        {
            ScalarMath.Full(new long[] { n }, o.SigmaG, ScalarType.Float64, device),
            ScalarMath.Full(new long[] { n * n }, o.SigmaB, ScalarType.Float64, device),
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
            if (!o.SelfRegulation) b = b * torch.eye(n, dtype: ScalarType.Float64, device: device).RSub(1L);
            ga.Tell(RegulatoryHillClimber.Fitness(g, b, target, o, cost));
        }
        // The elite of the last generation (row 0 of the next population), not the best of all time: it carries the
        // regulation evolved under every target, not one lucky individual from an early target period.
        using var last = ga.Ask();
        var evolved = last[0L].narrow(0, n, n * n).reshape(n, n);
        return o.SelfRegulation ? evolved.clone() : evolved * torch.eye(n, dtype: ScalarType.Float64, device: device).RSub(1L);
    }

    // Phenotypic distribution (Kouvaris et al. 2017, fig. 2): develop random genotypes through B and classify the sign
    // pattern of each phenotype as a training target (or the negative of one: development is odd), an unseen target, or neither.
    private static (double Seen, double Unseen) PhenotypicDistribution(GeneralisationOptions o, Tensor b, double[][] training,
        double[][] unseen, long seed, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator((ulong)seed, device);
        var genotypes = torch.randn(new long[] { o.ProbeGenotypes, o.Traits }, dtype: ScalarType.Float64, device: device, generator: g).Mul(o.ProbeSigma);
        var signs = Develop(genotypes, b, o.DevelopmentSteps, o.Tau1, o.Tau2).sign();                     // (K, N)
        double Share(double[][] targets, bool withNegatives)
        {
            var t = torch.tensor(targets.SelectMany(x => x).ToArray(), dtype: ScalarType.Float64, device: device).reshape(targets.Length, o.Traits);
            var overlap = signs.matmul(t.t());                                                              // (K, targets)
            var match = withNegatives ? overlap.abs().Eq(o.Traits).any(1) : overlap.Eq(o.Traits).any(1);    // exact sign match
            return match.to(ScalarType.Float64).mean().item<double>();
        }
        return (Share(training, true), Share(unseen, false));
    }

    // GA test phase: B frozen, G evolves from 0 towards one target (fitness P.S / N); returns the first generation in which
    // some individual's phenotype has the target's sign in every trait, or null. (P is not bounded by 1, so a fitness
    // threshold alone could be met with some traits wrong.)
    private static int? GaGenerationsToAdapt(GeneralisationOptions o, Tensor b, double[] target, long seed, Device device)
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
            if ((p * t).Gt(0).all(1).any().item<bool>()) return gen;
            ga.Tell(p.matmul(t).Div(n));
        }
        return null;
    }
}
