using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Options of OpenAI-ES (catalogue name <c>es</c>).</summary>
public sealed record OpenAiEsOptions : IStrategyOptions
{
    /// <summary>Candidates per generation, even (antithetic pairs), 2..1000000. Default 64.</summary>
    public int Population { get; init; } = 64;

    /// <summary>Standard deviation of the perturbations, > 0. Default 0.1.</summary>
    public double Sigma { get; init; } = 0.1;

    /// <summary>Adam step size on the search mean, > 0. Default 0.05.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>L2 pull of the mean towards 0 (Salimans et al. use 0.005), >= 0. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <inheritdoc />
    public IStrategyOptions With(int? population = null, double? sigma = null) =>
        this with { Population = population ?? Population, Sigma = sigma ?? Sigma };

    /// <inheritdoc />
    public void Validate()
    {
        if (Population < 2 || Population > 1_000_000) throw new UserInputException($"Population must be in [2, 1000000], got {Population}.");
        if (Population % 2 != 0) throw new UserInputException($"Population must be even (antithetic pairs), got {Population}.");
        Guard.Positive(Sigma);
        Guard.Positive(LearningRate);
        Guard.NonNegative(WeightDecay);
    }
}

/// <summary>
/// OpenAI evolution strategy (Salimans et al. 2017, "Evolution Strategies as a Scalable Alternative to Reinforcement
/// Learning", Algorithm 1 with mirrored sampling and fitness shaping): candidates theta + sigma eps with antithetic
/// pairs (eps, -eps); fitness replaced by centred ranks in [-0.5, 0.5]; the search gradient
/// g = 1 / (N sigma) sum_i F_i eps_i is followed with Adam (Kingma and Ba 2015, Algorithm 1).
/// </summary>
public sealed class OpenAiEs : StrategyBase
{
    /// <summary>The catalogue entry <c>es</c>.</summary>
    public static CatalogueEntry<StrategyContext, IEvolutionStrategy> Entry { get; } =
        new CatalogueEntry<OpenAiEsOptions, StrategyContext, IEvolutionStrategy>("es",
            "OpenAI-ES: mirrored Gaussian perturbations, centred-rank fitness shaping, Adam on the search mean.",
            "Salimans et al. 2017, Evolution Strategies as a Scalable Alternative to Reinforcement Learning", Create, "openai-es");

    private readonly int populationSize;
    private readonly double sigma, learningRate, weightDecay;
    private readonly Tensor mean, adamM, adamV;
    private Tensor? epsilon;
    private long adamStep;
    private const double Beta1 = 0.9, Beta2 = 0.999, AdamEps = 1e-8;

    /// <summary>Starts the search distribution at <paramref name="initialMean"/> (G).</summary>
    /// <param name="initialMean">Initial centre of the search (G).</param>
    /// <param name="populationSize">Candidates per generation; even, >= 2 (antithetic pairs).</param>
    /// <param name="sigma">Standard deviation of the perturbations, > 0.</param>
    /// <param name="learningRate">Adam step size, > 0.</param>
    /// <param name="seed">Seed of the perturbations.</param>
    /// <param name="weightDecay">L2 pull of the mean towards 0 (Salimans et al. use 0.005), >= 0.</param>
    public OpenAiEs(Tensor initialMean, int populationSize, double sigma, double learningRate, long seed, double weightDecay = 0)
        : base(seed, initialMean.device)
    {
        if (initialMean.dim() != 1) throw new UserInputException($"the ES mean is a (G) vector, got ({string.Join(", ", initialMean.shape)}).");
        if (populationSize < 2 || populationSize % 2 != 0)
            throw new UserInputException($"OpenAI-ES population size must be even and >= 2 (antithetic pairs), got {populationSize}.");
        Guard.Positive(sigma);
        Guard.Positive(learningRate);
        Guard.NonNegative(weightDecay);
        this.populationSize = populationSize;
        this.sigma = sigma;
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        // State owned by the strategy, whatever dispose scope constructs it.
        mean = initialMean.detach().to(ScalarType.Float64).clone().DetachFromDisposeScope();
        adamM = torch.zeros_like(mean).DetachFromDisposeScope();
        adamV = torch.zeros_like(mean).DetachFromDisposeScope();
    }

    /// <summary>Builds OpenAI-ES from catalogue options, its mean starting at the context's start.</summary>
    public static OpenAiEs Create(OpenAiEsOptions options, StrategyContext context) =>
        new(context.Start, options.Population, options.Sigma, options.LearningRate, context.Seed, options.WeightDecay);

    /// <inheritdoc />
    public override string Name => "OpenAI-ES";

    /// <inheritdoc />
    public override int PopulationSize => populationSize;

    /// <inheritdoc />
    /// <remarks>The mean as one row (1, G).</remarks>
    public override Tensor Parents => mean.unsqueeze(0).clone();

    /// <summary>The current centre theta of the search distribution (G), float64, a copy.</summary>
    public override Tensor Mean => mean.clone();

    /// <inheritdoc />
    protected override Tensor Propose()
    {
        var half = torch.randn(new long[] { populationSize / 2, mean.shape[0] }, dtype: ScalarType.Float64, device: Device, generator: Random);
        epsilon?.Dispose();
        epsilon = torch.cat(new[] { half, -half }, 0).DetachFromDisposeScope(); // (N, G): mirrored pairs
        return mean.unsqueeze(0).Plus(epsilon.Mul(sigma));
    }

    /// <inheritdoc />
    protected override void Update(Tensor population, Tensor fitness)
    {
        var shaped = CentredRanks(fitness);                                                   // (N)
        var gradient = (shaped.unsqueeze(1) * epsilon!).sum(dim: 0).Div(populationSize * sigma); // (G) ascent direction
        if (weightDecay > 0) gradient = gradient - mean.Mul(weightDecay);
        adamStep++;
        adamM.Mul_(Beta1).Add_(gradient, 1 - Beta1);
        adamV.Mul_(Beta2).AddCMul_(gradient, gradient, 1 - Beta2);
        double correction1 = 1 - Math.Pow(Beta1, adamStep), correction2 = 1 - Math.Pow(Beta2, adamStep);
        var step = adamM.Div(correction1) / adamV.Div(correction2).sqrt().Add(AdamEps);
        mean.Add_(step, learningRate);
    }

    /// <summary>
    /// Centred ranks (Salimans et al. 2017, section 2.2; Wierstra et al. 2014): the worst gets -0.5, the best +0.5, evenly
    /// spaced in between; ties are broken by position. One value returns 0.
    /// </summary>
    public static Tensor CentredRanks(Tensor fitness)
    {
        long n = fitness.shape[0];
        if (n == 1) return torch.zeros_like(fitness, dtype: ScalarType.Float64);
        var order = fitness.argsort();                                    // positions from worst to best
        var ranks = torch.empty(n, dtype: ScalarType.Float64, device: fitness.device);
        ranks.index_put_(ScalarMath.Arange(n, ScalarType.Float64, fitness.device), order);
        return ranks.Div(n - 1).Sub(0.5);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            mean.Dispose();
            adamM.Dispose();
            adamV.Dispose();
            epsilon?.Dispose();
        }
        base.Dispose(disposing);
    }
}
