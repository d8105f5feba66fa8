using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Recombination: one child per pair of parents, each gene taken from one of them (no insertions).</summary>
public interface IRecombination
{
    /// <summary>Children (N, G) of parents <paramref name="mothers"/> and <paramref name="fathers"/>, both (N, G).</summary>
    Tensor Recombine(Tensor mothers, Tensor fathers, Generator generator);
}
