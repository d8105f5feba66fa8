using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// Point substitutions for nucleotide genomes stored as base indices (N, L) in {0 = A, 1 = C, 2 = G, 3 = T}: each site
/// mutates with probability <see cref="Rate"/> to one of the three other bases, chosen uniformly (the Jukes-Cantor
/// 1969 substitution model). A genome of L sites gains about Rate x L substitutions.
/// </summary>
public sealed class NucleotideSubstitution : IMutation
{
    /// <summary>Creates the operator; <paramref name="rate"/> per site in [0, 1].</summary>
    public NucleotideSubstitution(double rate)
    {
        if (!(rate >= 0 && rate <= 1)) throw new UserInputException($"mutation rate must be in [0, 1], got {rate}.");
        Rate = rate;
    }

    /// <summary>Substitution probability per site.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public Tensor Mutate(Tensor genomes, Generator generator)
    {
        if (genomes.dtype != ScalarType.Int64)
            throw new UserInputException($"nucleotide genomes are int64 base indices 0..3 (A, C, G, T), got {genomes.dtype}.");
        using var scope = torch.NewDisposeScope();
        var hit = torch.rand(genomes.shape, device: genomes.device, generator: generator).Lt(Rate);
        // Adding 1..3 modulo 4 moves to one of the three other bases with equal probability.
        var shift = torch.randint(1, 4, genomes.shape, dtype: ScalarType.Int64, device: genomes.device, generator: generator);
        var mutated = torch.where(hit, genomes.Plus(shift).Remainder(4), genomes);
        return mutated.MoveToOuterDisposeScope();
    }
}
