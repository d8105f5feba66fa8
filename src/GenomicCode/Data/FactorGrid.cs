using GenomicCode.Core;

namespace GenomicCode.Data;

/// <summary>Mixed-radix indexing of a factor grid: the last factor varies fastest, as in dSprites' latents_bases.</summary>
public sealed class FactorGrid
{
    private readonly int[] sizes;
    private readonly long[] bases;

    /// <summary>Creates a grid with the given number of values per factor (each at least 1).</summary>
    public FactorGrid(IReadOnlyList<int> sizes)
    {
        if (sizes.Count == 0) throw new UserInputException("a factor grid needs at least one factor.");
        this.sizes = sizes.ToArray();
        bases = new long[this.sizes.Length];
        long b = 1;
        for (int i = this.sizes.Length - 1; i >= 0; i--)
        {
            if (this.sizes[i] < 1) throw new UserInputException($"factor {i} must have at least one value, got {this.sizes[i]}.");
            bases[i] = b;
            b = checked(b * this.sizes[i]);
        }
        Count = b;
    }

    /// <summary>Number of grid points.</summary>
    public long Count { get; }

    /// <summary>Values per factor.</summary>
    public IReadOnlyList<int> Sizes => sizes;

    /// <summary>Flat index of one factor vector.</summary>
    public long ToIndex(ReadOnlySpan<int> factors)
    {
        if (factors.Length != sizes.Length)
            throw new UserInputException($"expected {sizes.Length} factor values, got {factors.Length}.");
        long index = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            if ((uint)factors[i] >= (uint)sizes[i])
                throw new UserInputException($"factor {i} value {factors[i]} is outside 0..{sizes[i] - 1}.");
            index += factors[i] * bases[i];
        }
        return index;
    }

    /// <summary>Factor vector of a flat index.</summary>
    public int[] FromIndex(long index)
    {
        if (index < 0 || index >= Count) throw new UserInputException($"index {index} is outside 0..{Count - 1}.");
        var f = new int[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            f[i] = (int)(index / bases[i]);
            index -= f[i] * bases[i];
        }
        return f;
    }

    /// <summary>Samples <paramref name="n"/> factor vectors uniformly and independently.</summary>
    public int[,] Sample(int n, long seed)
    {
        if (n < 0) throw new UserInputException($"sample count must be >= 0, got {n}.");
        var rng = Seeds.Random(seed, 0x5A);
        var f = new int[n, sizes.Length];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < sizes.Length; c++)
                f[r, c] = rng.Next(sizes[c]);
        return f;
    }
}
