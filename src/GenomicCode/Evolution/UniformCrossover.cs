using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Uniform crossover (Syswerda 1989): each gene comes from either parent with probability 1/2, independently.</summary>
public sealed class UniformCrossover : IRecombination
{
    /// <inheritdoc />
    public Tensor Recombine(Tensor mothers, Tensor fathers, Generator generator)
    {
        Crossover.CheckParents(mothers, fathers);
        using var scope = torch.NewDisposeScope();
        var fromMother = torch.rand(mothers.shape, device: mothers.device, generator: generator).Lt(0.5);
        return torch.where(fromMother, mothers, fathers).MoveToOuterDisposeScope();
    }
}
