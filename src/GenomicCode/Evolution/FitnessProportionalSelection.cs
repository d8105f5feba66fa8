using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// Fitness-proportional ("roulette wheel") selection (Holland 1975; Goldberg 1989, ch. 1) on fitness shifted so that the
/// worst individual has weight 0 (windowing): P(i) = (f_i - min f) / sum_j (f_j - min f); uniform when all are equal.
/// </summary>
public sealed class FitnessProportionalSelection : ISelection
{
    /// <inheritdoc />
    public Tensor SelectParents(Tensor fitness, int count, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        var shifted = (fitness - fitness.min()).to(ScalarType.Float64);
        double total = shifted.sum().item<double>();
        var weights = total > 0 ? shifted : torch.ones_like(shifted);
        return torch.multinomial(weights, count, replacement: true, generator: generator).MoveToOuterDisposeScope();
    }
}
