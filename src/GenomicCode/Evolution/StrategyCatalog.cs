using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>What a strategy needs to be built besides its options.</summary>
/// <param name="Start">
/// The initial centre of the search (G): the mean of CMA-ES and OpenAI-ES, the point a genetic algorithm's first population
/// scatters around and every hill-climber lineage starts from. Its device is where the strategy lives; its dtype is that
/// of the populations a genetic algorithm or hill climber proposes (CMA-ES and OpenAI-ES work in float64).
/// </param>
/// <param name="Seed">Seed of every random draw the strategy makes.</param>
public sealed record StrategyContext(Tensor Start, long Seed);

/// <summary>
/// The options record of an evolution strategy: besides its own fields, every strategy has a population size and a
/// search width, so that callers (command-line flags, experiments) can set those two without knowing the strategy.
/// </summary>
public interface IStrategyOptions : IComponentOptions
{
    /// <summary>Individuals per generation (0: the strategy's own default, where it has one).</summary>
    int Population { get; }

    /// <summary>The search width, in genome units (each strategy's options document what it scales).</summary>
    double Sigma { get; }

    /// <summary>A copy with the population and the search width replaced where given.</summary>
    IStrategyOptions With(int? population = null, double? sigma = null);
}

/// <summary>Reads and writes a strategy chosen by name with its options (<c>{ "name": "es", "options": { ... } }</c>).</summary>
public sealed class StrategySpecJson() : ComponentSpecJson(() => StrategyCatalog.Catalogue);

/// <summary>
/// The evolution strategies. Adding one is one new file (the strategy, its options record implementing
/// <see cref="IStrategyOptions"/> and its <c>Entry</c>) plus its <c>Entry</c> in the list here.
/// </summary>
public static class StrategyCatalog
{
    /// <summary>Every strategy that ships with the library, in listing order.</summary>
    public static Catalogue<StrategyContext, IEvolutionStrategy> Catalogue { get; } = new("strategies", "strategy",
        "Ask / evaluate / tell optimisers over genomes; every generation is scored in one batched call.",
        new[] { CmaEs.Entry, CmaEs.DiagonalEntry, OpenAiEs.Entry, GeneticAlgorithm.Entry, HillClimber.Entry });

    /// <summary>Catalogue names (without aliases), in listing order.</summary>
    public static IReadOnlyList<string> Names => Catalogue.Names;

    /// <summary>A strategy spec with the entry's default options (null) or the given ones, validated.</summary>
    public static ComponentSpec Spec(string name, IStrategyOptions? options = null) => Catalogue.Spec(name, options);

    /// <summary>Builds the strategy <paramref name="spec"/> names, starting its search at <paramref name="start"/> (G).</summary>
    public static IEvolutionStrategy Create(ComponentSpec spec, Tensor start, long seed)
    {
        if (start.dim() != 1 || start.shape[0] < 1)
            throw new UserInputException($"a strategy starts from a (G) vector, got ({string.Join(", ", start.shape)}).");
        return Catalogue.Create(spec, new StrategyContext(start, seed));
    }

    /// <summary>
    /// Checks a strategy held in a field of an options record: a known name (one line naming <paramref name="field"/> and
    /// the known names otherwise), that strategy's options record, valid (errors prefixed <c>field.options:</c>).
    /// </summary>
    public static void Validate(ComponentSpec? spec, string field)
    {
        if (spec is null) throw new UserInputException($"{field} is missing: one of {string.Join(", ", Names)}.");
        if (!Catalogue.Contains(spec.Name)) throw new UserInputException($"{field} must be one of {string.Join(", ", Names)}, got '{spec.Name}'.");
        Catalogue.Validate(spec, field);
    }

    /// <summary>The options of <paramref name="spec"/> as <see cref="IStrategyOptions"/> (every strategy's options are).</summary>
    public static IStrategyOptions OptionsOf(ComponentSpec spec) =>
        spec.Options as IStrategyOptions ?? throw new UserInputException($"strategy '{spec.Name}' has options of type {spec.Options.GetType().Name}, which do not implement {nameof(IStrategyOptions)}.");

    /// <summary><paramref name="spec"/> with its population and search width replaced where given, validated.</summary>
    public static ComponentSpec With(ComponentSpec spec, int? population = null, double? sigma = null) =>
        Catalogue.Spec(spec.Name, OptionsOf(spec).With(population, sigma));
}
