using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// One gene per genome changes: a gene chosen uniformly gains a step drawn uniformly from [-sigma, sigma], and genes are
/// kept within [-bound, bound] (the mutation of the direct effects in Watson et al. 2014 and Kouvaris et al. 2017).
/// </summary>
public sealed class SingleGeneMutation : IMutation
{
    /// <summary>Creates the operator: step size <paramref name="sigma"/> >= 0, genes bounded by <paramref name="bound"/> > 0 (null: unbounded).</summary>
    public SingleGeneMutation(double sigma, double? bound = null)
    {
        Guard.NonNegative(sigma);
        if (bound is double b) Guard.Positive(b, nameof(bound));
        Sigma = sigma;
        Bound = bound;
    }

    /// <summary>Half-width of the uniform step.</summary>
    public double Sigma { get; }

    /// <summary>Bound on |gene|, or null.</summary>
    public double? Bound { get; }

    /// <inheritdoc />
    public Tensor Mutate(Tensor genomes, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        long n = genomes.shape[0], g = genomes.shape[1];
        var pick = torch.randint(0, g, new[] { n }, dtype: ScalarType.Int64, device: genomes.device, generator: generator);             // (N)
        var step = torch.rand(new[] { n }, dtype: genomes.dtype, device: genomes.device, generator: generator).Mul(2L).Sub(1L).Mul(Sigma); // (N)
        var mutated = genomes.Plus(nn.functional.one_hot(pick, g).to(genomes.dtype) * step.unsqueeze(1));                                 // (N, G)
        if (Bound is double b) mutated = mutated.Clamp(-b, b);
        return mutated.MoveToOuterDisposeScope();
    }
}
