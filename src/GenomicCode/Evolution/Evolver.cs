using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Plain numbers from one generation.</summary>
/// <param name="Generation">Generation just told (1-based).</param>
/// <param name="BestFitness">Best fitness in this generation.</param>
/// <param name="MeanFitness">Mean fitness in this generation.</param>
/// <param name="BestSoFar">Best fitness seen in any generation.</param>
public sealed record GenerationReport(long Generation, double BestFitness, double MeanFitness, double BestSoFar);

/// <summary>
/// Runs ask / evaluate / tell loops. The fitness function sees the whole population of a generation at once (one
/// batched call: genomes (N, G) in, fitness (N) out), typically developing all phenotypes with one decoder call.
/// </summary>
public static class Evolver
{
    /// <summary>Evolves for <paramref name="generations"/> generations, one dispose scope per generation.</summary>
    /// <param name="strategy">The optimiser.</param>
    /// <param name="fitness">Batched fitness of a population (N, G) -> (N); higher is better.</param>
    /// <param name="generations">Generations to run, >= 1.</param>
    /// <param name="onGeneration">Optional progress callback.</param>
    /// <param name="cancel">Stops between generations.</param>
    /// <returns>One report per generation.</returns>
    public static IReadOnlyList<GenerationReport> Run(IEvolutionStrategy strategy, Func<Tensor, Tensor> fitness, int generations,
        Action<GenerationReport>? onGeneration = null, CancellationToken cancel = default)
    {
        if (generations < 1) throw new UserInputException($"generations must be >= 1, got {generations}.");
        var reports = new List<GenerationReport>(generations);
        for (int g = 0; g < generations && !cancel.IsCancellationRequested; g++)
        {
            using var scope = torch.NewDisposeScope();
            var population = strategy.Ask();
            Tensor f;
            using (torch.no_grad()) f = fitness(population);
            using (var checkedF = StrategyBase.CheckFitness(f, strategy.PopulationSize, strategy.Generation))
            {
                strategy.Tell(checkedF);
                var report = new GenerationReport(strategy.Generation, checkedF.max().item<double>(), checkedF.mean().item<double>(), strategy.BestFitness);
                reports.Add(report);
                onGeneration?.Invoke(report);
            }
        }
        return reports;
    }
}
