namespace GenomicCode.Core;

/// <summary>
/// Derives independent, reproducible seeds from a run seed, so that every step, batch and stream has its own seed
/// and nothing depends on a global random state. Uses SplitMix64 (Steele, Lea and Flood 2014, "Fast splittable
/// pseudorandom number generators", the finaliser of section 3).
/// </summary>
public static class Seeds
{
    /// <summary>Mixes a seed with one or more stream identifiers into a new 64-bit seed.</summary>
    public static ulong Derive(long seed, params long[] streams)
    {
        ulong x = Mix((ulong)seed);
        foreach (long s in streams) x = Mix(x ^ Mix((ulong)s + 0x9E3779B97F4A7C15UL));
        return x;
    }

    /// <summary>
    /// <see cref="Derive"/> as a non-negative 63-bit number, the form libtorch's <c>manual_seed</c> and most seed
    /// parameters take.
    /// </summary>
    public static long DeriveNonNegative(long seed, params long[] streams) => (long)(Derive(seed, streams) & 0x7FFFFFFFFFFFFFFFUL);

    /// <summary>A torch generator on <paramref name="device"/> seeded from <see cref="Derive"/>; the caller disposes it.</summary>
    public static TorchSharp.torch.Generator Generator(TorchSharp.torch.Device device, long seed, params long[] streams) =>
        new((ulong)DeriveNonNegative(seed, streams), device);

    /// <summary>A <see cref="Random"/> seeded from <see cref="Derive"/> (for C#-side sampling such as factor indices).</summary>
    public static Random Random(long seed, params long[] streams) => new((int)(Derive(seed, streams) & 0x7FFFFFFF));

    /// <summary>SplitMix64 finaliser.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
