using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// Gaussian per-gene mutation for continuous genomes: each gene, with probability <see cref="Rate"/>, gains
/// N(0, <see cref="Sigma"/>^2) (Beyer and Schwefel 2002, "Evolution strategies", section 4.1).
/// </summary>
public sealed class GaussianMutation : IMutation
{
    /// <summary>Creates the operator; <paramref name="rate"/> in [0, 1], <paramref name="sigma"/> >= 0.</summary>
    public GaussianMutation(double sigma, double rate = 1.0)
    {
        Guard.NonNegative(sigma);
        if (!(rate >= 0 && rate <= 1)) throw new UserInputException($"mutation rate must be in [0, 1], got {rate}.");
        Sigma = sigma;
        Rate = rate;
    }

    /// <summary>Standard deviation of a mutation's effect.</summary>
    public double Sigma { get; }

    /// <summary>Probability that a gene mutates.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public Tensor Mutate(Tensor genomes, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        var noise = torch.randn(genomes.shape, dtype: genomes.dtype, device: genomes.device, generator: generator).Mul(Sigma);
        if (Rate < 1)
        {
            var hit = torch.rand(genomes.shape, dtype: genomes.dtype, device: genomes.device, generator: generator).Lt(Rate);
            noise = noise * hit.to(genomes.dtype);
        }
        return genomes.Plus(noise).MoveToOuterDisposeScope();
    }
}
