using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Which covariance CMA-ES adapts.</summary>
public enum CmaCovariance
{
    /// <summary>The full n x n covariance (Hansen 2016).</summary>
    Full,
    /// <summary>Only its diagonal: sep-CMA-ES (Ros and Hansen 2008), linear cost in n, learning rates scaled by (n + 2) / 3.</summary>
    Diagonal,
}

/// <summary>Options of CMA-ES (catalogue names <c>cma</c> and <c>cma-diagonal</c>).</summary>
public sealed record CmaOptions : IStrategyOptions
{
    /// <summary>lambda, samples per generation: 0 picks 4 + floor(3 ln G) (Hansen 2016, eq. 48), else 2..1000000. Default 0.</summary>
    public int Population { get; init; }

    /// <summary>Initial step size sigma, > 0 (about a quarter of the search range). Default 1.</summary>
    public double Sigma { get; init; } = 1.0;

    /// <inheritdoc />
    public IStrategyOptions With(int? population = null, double? sigma = null) =>
        this with { Population = population ?? Population, Sigma = sigma ?? Sigma };

    /// <inheritdoc />
    public void Validate()
    {
        if (Population != 0 && (Population < 2 || Population > 1_000_000))
            throw new UserInputException($"Population must be 0 (the default 4 + 3 ln G) or in [2, 1000000], got {Population}.");
        Guard.Positive(Sigma);
    }
}

/// <summary>
/// The covariance-matrix-adaptation evolution strategy with positive recombination weights, cumulative step-size
/// adaptation and rank-one plus rank-mu covariance updates, following Hansen 2016, "The CMA Evolution Strategy: A
/// Tutorial" (arXiv:1604.00772), equations (9)-(47) and table 1 defaults. Maximises fitness.
/// </summary>
public sealed class CmaEs : StrategyBase
{
    /// <summary>The catalogue entry <c>cma</c>: CMA-ES with the full covariance.</summary>
    public static CatalogueEntry<StrategyContext, IEvolutionStrategy> Entry { get; } =
        new CatalogueEntry<CmaOptions, StrategyContext, IEvolutionStrategy>("cma",
            "CMA-ES with the full covariance: adapts the shape of its search distribution (cost grows as G^2 per sample).",
            "Hansen 2016, The CMA Evolution Strategy: A Tutorial, arXiv:1604.00772", (o, c) => Create(o, c, CmaCovariance.Full));

    /// <summary>The catalogue entry <c>cma-diagonal</c>: sep-CMA-ES, the diagonal of the covariance only.</summary>
    public static CatalogueEntry<StrategyContext, IEvolutionStrategy> DiagonalEntry { get; } =
        new CatalogueEntry<CmaOptions, StrategyContext, IEvolutionStrategy>("cma-diagonal",
            "sep-CMA-ES: CMA-ES adapting only the diagonal of the covariance, linear cost in G (for many genes or weights).",
            "Ros and Hansen 2008, A Simple Modification in CMA-ES Achieving Linear Time and Space Complexity",
            (o, c) => Create(o, c, CmaCovariance.Diagonal), "sep-cma");

    private readonly int n, lambda, mu;
    private readonly CmaCovariance mode;
    private readonly double muEff, cSigma, dSigma, cC, c1, cMu, chiN;
    private readonly Tensor weights; // (mu)
    private readonly Tensor mean, pSigma, pC;
    private Tensor covariance;       // (n, n) full, or (n) diagonal
    private Tensor basis, scales;    // C = B diag(D^2) B^T: B (n, n), D (n)
    private Tensor? steps;           // y_k of the last generation, (lambda, n)
    private double sigma;

    /// <summary>Starts at <paramref name="initialMean"/> (G) with step size <paramref name="initialSigma"/>.</summary>
    /// <param name="initialMean">Initial mean (G), G >= 1.</param>
    /// <param name="initialSigma">Initial step size, > 0 (about a quarter of the search range).</param>
    /// <param name="seed">Seed of the samples.</param>
    /// <param name="populationSize">lambda; 0 picks the default 4 + floor(3 ln n) (Hansen 2016, eq. 48).</param>
    /// <param name="covariance">Full or diagonal (sep-CMA) covariance.</param>
    public CmaEs(Tensor initialMean, double initialSigma, long seed, int populationSize = 0, CmaCovariance covariance = CmaCovariance.Full)
        : base(seed, initialMean.device)
    {
        if (initialMean.dim() != 1 || initialMean.shape[0] < 1)
            throw new UserInputException($"the CMA-ES mean is a (G) vector, got ({string.Join(", ", initialMean.shape)}).");
        Guard.Positive(initialSigma);
        n = (int)initialMean.shape[0];
        lambda = populationSize == 0 ? 4 + (int)Math.Floor(3 * Math.Log(n)) : populationSize;
        if (lambda < 2) throw new UserInputException($"population size must be >= 2, got {lambda}.");
        mu = lambda / 2;
        mode = covariance;
        sigma = initialSigma;

        // Recombination weights w_i = ln((lambda + 1) / 2) - ln i, normalised to sum 1 (eq. 49, positive part).
        var w = Enumerable.Range(1, mu).Select(i => Math.Log((lambda + 1) / 2.0) - Math.Log(i)).ToArray();
        double sum = w.Sum();
        w = w.Select(x => x / sum).ToArray();
        muEff = 1 / w.Sum(x => x * x);
        weights = torch.tensor(w, dtype: ScalarType.Float64, device: Device).DetachFromDisposeScope();

        cSigma = (muEff + 2) / (n + muEff + 5);                                           // eq. 55
        dSigma = 1 + 2 * Math.Max(0, Math.Sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;     // eq. 55
        cC = (4 + muEff / n) / (n + 4 + 2 * muEff / n);                                    // eq. 56
        c1 = 2 / (Math.Pow(n + 1.3, 2) + muEff);                                           // eq. 57
        cMu = Math.Min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / (Math.Pow(n + 2, 2) + muEff)); // eq. 58
        if (mode == CmaCovariance.Diagonal)
        {
            double boost = (n + 2) / 3.0; // Ros and Hansen 2008, section 3
            c1 = Math.Min(1, c1 * boost);
            cMu = Math.Min(1 - c1, cMu * boost);
        }
        chiN = Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));                 // E||N(0, I)||, p. 28

        // State owned by the strategy, whatever dispose scope constructs it.
        mean = initialMean.detach().to(ScalarType.Float64).clone().DetachFromDisposeScope();
        pSigma = torch.zeros(n, dtype: ScalarType.Float64, device: Device).DetachFromDisposeScope();
        pC = torch.zeros(n, dtype: ScalarType.Float64, device: Device).DetachFromDisposeScope();
        this.covariance = (mode == CmaCovariance.Full
            ? torch.eye(n, dtype: ScalarType.Float64, device: Device)
            : torch.ones(n, dtype: ScalarType.Float64, device: Device)).DetachFromDisposeScope();
        basis = torch.eye(n, dtype: ScalarType.Float64, device: Device).DetachFromDisposeScope();
        scales = torch.ones(n, dtype: ScalarType.Float64, device: Device).DetachFromDisposeScope();
    }

    /// <summary>Builds CMA-ES from catalogue options, its mean starting at the context's start.</summary>
    public static CmaEs Create(CmaOptions options, StrategyContext context, CmaCovariance covariance) =>
        new(context.Start, options.Sigma, context.Seed, options.Population, covariance);

    /// <inheritdoc />
    public override string Name => mode == CmaCovariance.Diagonal ? "diagonal CMA-ES" : "CMA-ES";

    /// <inheritdoc />
    public override int PopulationSize => lambda;

    /// <inheritdoc />
    /// <remarks>The mean as one row (1, G).</remarks>
    public override Tensor Parents => mean.unsqueeze(0).clone();

    /// <summary>Current step size sigma.</summary>
    public double Sigma => sigma;

    /// <summary>Current mean m of the search distribution (G), float64, a copy.</summary>
    public override Tensor Mean => mean.clone();

    /// <inheritdoc />
    protected override Tensor Propose()
    {
        var z = torch.randn(new long[] { lambda, n }, dtype: ScalarType.Float64, device: Device, generator: Random); // (lambda, n)
        // y_k = B D z_k (eq. 39); rows: y = (z * D) B^T.
        var y = mode == CmaCovariance.Full ? (z * scales).matmul(basis.t()) : z * scales;
        steps?.Dispose();
        steps = y.DetachFromDisposeScope();
        return mean.unsqueeze(0).Plus(y.Mul(sigma));                                                          // eq. 40
    }

    /// <inheritdoc />
    protected override void Update(Tensor population, Tensor fitness)
    {
        var order = fitness.argsort(descending: true).narrow(0, 0, mu);          // best mu, fittest first
        var ySel = steps!.index_select(0, order);                                 // (mu, n)
        var yW = (weights.unsqueeze(1) * ySel).sum(dim: 0);                       // (n), eq. 41
        mean.Add_(yW, sigma);                                                     // eq. 42 with c_m = 1

        // C^{-1/2} y_w = B D^{-1} B^T y_w (eq. 43).
        var invSqrtY = mode == CmaCovariance.Full ? basis.matmul(basis.t().matmul(yW) / scales) : yW / scales;
        pSigma.Mul_(1 - cSigma).Add_(invSqrtY, Math.Sqrt(cSigma * (2 - cSigma) * muEff));
        double pSigmaNorm = pSigma.norm().item<double>();
        double threshold = (1.4 + 2.0 / (n + 1)) * chiN * Math.Sqrt(1 - Math.Pow(1 - cSigma, 2 * (Generation + 1)));
        double hSigma = pSigmaNorm < threshold ? 1 : 0;                           // Heaviside, p. 30
        pC.Mul_(1 - cC).Add_(yW, hSigma * Math.Sqrt(cC * (2 - cC) * muEff));     // eq. 45
        double deltaH = (1 - hSigma) * cC * (2 - cC);

        // C <- (1 - c1 - cmu) C + c1 (pc pc^T + delta(h) C) + cmu sum_i w_i y_i y_i^T (eq. 47, positive weights).
        Tensor next;
        if (mode == CmaCovariance.Full)
        {
            var rankMu = (ySel * weights.unsqueeze(1)).t().matmul(ySel);          // (n, n)
            next = covariance.Mul(1 - c1 - cMu).Plus(pC.outer(pC).Plus(covariance.Mul(deltaH)).Mul(c1)).Plus(rankMu.Mul(cMu));
            next = next.Plus(next.t()).Mul(0.5);                                  // keep it exactly symmetric
        }
        else
        {
            var rankMu = (weights.unsqueeze(1) * ySel.Square()).sum(dim: 0);
            next = covariance.Mul(1 - c1 - cMu).Plus(pC.Square().Plus(covariance.Mul(deltaH)).Mul(c1)).Plus(rankMu.Mul(cMu));
        }
        covariance.Dispose();
        covariance = next.DetachFromDisposeScope();

        sigma *= Math.Exp(cSigma / dSigma * (pSigmaNorm / chiN - 1));             // eq. 44

        // Eigendecomposition C = B diag(D^2) B^T for the next samples.
        if (mode == CmaCovariance.Full)
        {
            var (eigenvalues, eigenvectors) = torch.linalg.eigh(covariance);
            basis.Dispose();
            scales.Dispose();
            basis = eigenvectors.DetachFromDisposeScope();
            scales = eigenvalues.ClampMin(1e-20).sqrt().DetachFromDisposeScope();
        }
        else
        {
            scales.Dispose();
            scales = covariance.ClampMin(1e-20).sqrt().DetachFromDisposeScope();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var t in new[] { weights, mean, pSigma, pC, covariance, basis, scales }) t.Dispose();
            steps?.Dispose();
        }
        base.Dispose(disposing);
    }
}
