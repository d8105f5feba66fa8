using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Shared book-keeping of ask/tell strategies: the asked population, fitness checks, the best so far.</summary>
public abstract class StrategyBase : IEvolutionStrategy
{
    private Tensor? asked;
    private Tensor? best;

    /// <summary>Creates the base with a generator on <paramref name="device"/> seeded from stream 0xE0 of <paramref name="seed"/>.</summary>
    protected StrategyBase(long seed, Device device)
        : this(Seeds.Generator(device, seed, 0xE0))
    {
    }

    /// <summary>Creates the base drawing from <paramref name="random"/>, which the strategy owns and disposes from now on.</summary>
    protected StrategyBase(Generator random)
    {
        Device = random.device;
        Random = random;
    }

    /// <summary>Device all tensors live on.</summary>
    public Device Device { get; }

    /// <summary>The strategy's own random generator.</summary>
    protected Generator Random { get; }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract int PopulationSize { get; }

    /// <inheritdoc />
    public abstract Tensor Parents { get; }

    /// <inheritdoc />
    /// <remarks>The centroid of <see cref="Parents"/>, in float64.</remarks>
    public virtual Tensor Mean
    {
        get
        {
            using var parents = Parents;
            return parents.to(ScalarType.Float64).mean(new long[] { 0 });
        }
    }

    /// <inheritdoc />
    public virtual void Reevaluate(Func<Tensor, Tensor> fitness) { }

    /// <inheritdoc />
    public long Generation { get; private set; }

    /// <inheritdoc />
    public Tensor? BestGenome => best?.alias();

    /// <inheritdoc />
    public double BestFitness { get; private set; } = double.NegativeInfinity;

    /// <inheritdoc />
    public Tensor Ask()
    {
        if (asked is null)
        {
            using var scope = torch.NewDisposeScope();
            asked = Propose().detach().DetachFromDisposeScope(); // owned by the strategy, not by any caller's scope
        }
        return asked.alias();
    }

    /// <inheritdoc />
    public void Tell(Tensor fitness)
    {
        if (asked is null) throw new InvalidOperationException("Tell was called before Ask.");
        var f = CheckFitness(fitness, PopulationSize, Generation, out double topValue);
        using (var scope = torch.NewDisposeScope())
        {
            if (topValue > BestFitness)
            {
                BestFitness = topValue;
                best?.Dispose();
                best = asked[f.argmax()].clone().DetachFromDisposeScope();
            }
            Update(asked, f);
        }
        f.Dispose();
        asked.Dispose();
        asked = null;
        Generation++;
    }

    /// <summary>Draws the population for this generation.</summary>
    protected abstract Tensor Propose();

    /// <summary>Learns from the fitness (float64, N) of the population <paramref name="population"/>.</summary>
    protected abstract void Update(Tensor population, Tensor fitness);

    /// <summary>
    /// Checks that a fitness tensor has one finite value per individual; a bad one names the generation and individual.
    /// Returns a float64 copy on the strategy's device.
    /// </summary>
    public static Tensor CheckFitness(Tensor fitness, int populationSize, long generation) => CheckFitness(fitness, populationSize, generation, out _);

    // As CheckFitness, also giving the largest fitness. The smallest and largest values are finite exactly when every value
    // is (NaN propagates through min and max), so only a failing check looks for the individual to name.
    private static Tensor CheckFitness(Tensor fitness, int populationSize, long generation, out double max)
    {
        if (fitness.dim() != 1 || fitness.shape[0] != populationSize)
            throw new UserInputException($"generation {generation}: the fitness function returned shape ({string.Join(", ", fitness.shape)}), expected ({populationSize}): one value per individual.");
        var f = fitness.detach().to(ScalarType.Float64);
        double min;
        using (var lo = f.min()) min = lo.item<double>();
        using (var hi = f.max()) max = hi.item<double>();
        if (double.IsFinite(min) && double.IsFinite(max)) return f;
        using var bad = f.isfinite().logical_not();
        long individual = bad.to(ScalarType.Int64).argmax().item<long>();
        double value = f[individual].item<double>();
        f.Dispose();
        throw new UserInputException($"generation {generation}: the fitness of individual {individual} is {value}; fitness must be finite.");
    }

    /// <summary>Disposes owned tensors.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        asked?.Dispose();
        best?.Dispose();
        Random.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }
}
