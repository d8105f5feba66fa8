using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>A mutation operator: returns mutated copies of a batch of genomes; the input is not modified.</summary>
public interface IMutation
{
    /// <summary>Mutates every genome of <paramref name="genomes"/> (N, G) independently, drawing from <paramref name="generator"/>.</summary>
    Tensor Mutate(Tensor genomes, Generator generator);
}
