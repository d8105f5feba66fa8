using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// One-point crossover (Holland 1975): a cut point c is drawn uniformly in 1..G-1 per child; genes before c come from the
/// mother, the rest from the father.
/// </summary>
public sealed class OnePointCrossover : IRecombination
{
    /// <inheritdoc />
    public Tensor Recombine(Tensor mothers, Tensor fathers, Generator generator)
    {
        Crossover.CheckParents(mothers, fathers);
        long n = mothers.shape[0], g = mothers.shape[1];
        if (g < 2) return mothers.clone();
        using var scope = torch.NewDisposeScope();
        var cut = torch.randint(1, g, new long[] { n, 1 }, dtype: ScalarType.Int64, device: mothers.device, generator: generator); // (N, 1)
        var position = ScalarMath.Arange(g, ScalarType.Int64, mothers.device).unsqueeze(0);                                         // (1, G)
        return torch.where(position.lt(cut), mothers, fathers).MoveToOuterDisposeScope();
    }
}

internal static class Crossover
{
    internal static void CheckParents(Tensor mothers, Tensor fathers)
    {
        if (mothers.dim() != 2 || !mothers.shape.SequenceEqual(fathers.shape))
            throw new UserInputException($"crossover needs two parent batches of the same shape (N, G), got ({string.Join(", ", mothers.shape)}) and ({string.Join(", ", fathers.shape)}).");
    }
}
