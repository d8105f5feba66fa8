using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Latent;

/// <summary>Variation operators on hard nucleotide genomes, base indices (B, L) int64; batched, no loops over individuals.</summary>
public static class NucleotideOperators
{
    /// <summary>
    /// Point mutation: each position independently, with probability <paramref name="rate"/>, becomes one of the three
    /// other bases, uniformly (the Jukes-Cantor substitution model, Jukes and Cantor 1969).
    /// </summary>
    public static Tensor PointMutation(Tensor indices, double rate, Generator? generator)
    {
        Guard.InRange(rate, 0, 1);
        var mutate = torch.rand(indices.shape, device: indices.device, generator: generator).Lt(rate);
        var shift = torch.randint(1, 4, indices.shape, dtype: ScalarType.Int64, device: indices.device, generator: generator);
        return torch.where(mutate, indices.Plus(shift).Remainder(4), indices);
    }

    /// <summary>Sets one position of every genome to a given base (for mutational-effect studies): (B, L) in and out.</summary>
    public static Tensor SetBase(Tensor indices, long position, int baseIndex)
    {
        if (position < 0 || position >= indices.shape[1]) throw new UserInputException($"position {position} is outside the genome (0..{indices.shape[1] - 1}).");
        Guard.InRange(baseIndex, 0, 3);
        var result = indices.clone();
        result.select(1, position).Fill_(baseIndex);
        return result;
    }

    /// <summary>
    /// Insertion-free (homologous) recombination: the child copies parent A, switching parent at each of
    /// <paramref name="crossovers"/> random cut points per individual (k-point crossover), so lengths and the gene layout
    /// are kept. (B, L) parents in, (B, L) child out.
    /// </summary>
    public static Tensor Recombine(Tensor parentA, Tensor parentB, Generator? generator, int crossovers = 1)
    {
        if (!parentA.shape.SequenceEqual(parentB.shape))
            throw new UserInputException($"parents must have the same shape, got ({string.Join(", ", parentA.shape)}) and ({string.Join(", ", parentB.shape)}).");
        Guard.InRange(crossovers, 1, 1024);
        long b = parentA.shape[0], l = parentA.shape[1];
        var cuts = torch.randint(1, Math.Max(2, l), new long[] { b, crossovers, 1 }, dtype: ScalarType.Int64, device: parentA.device, generator: generator); // (B, k, 1)
        var positions = ScalarMath.Arange(l, dtype: ScalarType.Int64, device: parentA.device).view(1, 1, l);                                                   // (1, 1, L)
        var switches = positions.ge(cuts).to(ScalarType.Int64).sum(dim: 1);                                                                              // (B, L)
        return torch.where(switches.Remainder(2).Eq(0L), parentA, parentB);
    }

    /// <summary>
    /// <paramref name="mutants"/> copies of each parent (N, L), each with <paramref name="k"/> distinct random loci
    /// substituted by one of their three other bases, uniformly (the loci: the first k of a random permutation per copy).
    /// Returns (N M, L); the copies of parent i are rows i M..i M + M - 1.
    /// </summary>
    public static Tensor PointSubstitutions(Tensor parents, int mutants, int k, Generator? generator)
    {
        long n = parents.shape[0], l = parents.shape[1];
        Guard.InRange(mutants, 1, 1_000_000);
        if (k < 1 || k > l) throw new UserInputException($"mutation count k must be in 1..{l}, got {k}.");
        var copies = parents.repeat_interleave(mutants, 0);                                                             // (N M, L)
        var rank = torch.rand(new long[] { n * mutants, l }, generator: generator, device: parents.device).argsort(1).argsort(1);
        var shift = torch.randint(1, 4, new long[] { n * mutants, l }, dtype: ScalarType.Int64, device: parents.device, generator: generator);
        return torch.where(rank.Lt(k), copies.Plus(shift).Remainder(4), copies);
    }
}
