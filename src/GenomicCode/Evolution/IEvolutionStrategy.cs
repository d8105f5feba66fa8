using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// An ask / evaluate / tell optimiser over genomes (as in evosax and EvoTorch): <see cref="Ask"/> proposes a population
/// (N, G); the caller develops and scores the whole batch at once; <see cref="Tell"/> takes the fitness (N, higher is
/// better) and prepares the next generation.
/// </summary>
public interface IEvolutionStrategy : IDisposable
{
    /// <summary>Individuals per generation.</summary>
    int PopulationSize { get; }

    /// <summary>Generations told so far.</summary>
    long Generation { get; }

    /// <summary>The population to evaluate now, (N, G); a new handle the caller may dispose.</summary>
    Tensor Ask();

    /// <summary>Fitness (N) of the population returned by the last <see cref="Ask"/>; higher is better.</summary>
    void Tell(Tensor fitness);

    /// <summary>The fittest genome evaluated so far (G), or null before the first <see cref="Tell"/>.</summary>
    Tensor? BestGenome { get; }

    /// <summary>Fitness of <see cref="BestGenome"/> (negative infinity before the first <see cref="Tell"/>).</summary>
    double BestFitness { get; }
}
