using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Development.Population;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Gpu;

/// <summary>
/// The random numbers of one population development, made before it starts and handed to the kernels: per step the
/// 0/1 update (fire) masks (R, K, G, G) and standard-normal noise (R, K, C, G, G), R = 1 stream shared by every
/// individual or one per individual. Arrays are (steps, R, K, ...) row-major.
/// </summary>
public sealed class PopulationDraws
{
    /// <summary>Wraps draws made elsewhere; <paramref name="fire"/> empty when the decoder has no update mask, <paramref name="noise"/> null without noise.</summary>
    public PopulationDraws(int steps, int streams, int genomes, int cells, float[] fire, int noiseChannels, float[]? noise)
    {
        if (steps < 1 || streams < 1 || genomes < 1 || cells < 1) throw new UserInputException($"draws need positive steps, streams, genomes and cells, got {steps}, {streams}, {genomes}, {cells}.");
        long block = (long)steps * streams * genomes * cells;
        if (fire.Length != 0 && fire.Length != block) throw new UserInputException($"fire masks must hold steps x streams x genomes x cells = {block} values, got {fire.Length}.");
        if (noise is not null && noise.LongLength != block * noiseChannels) throw new UserInputException($"noise must hold {block * noiseChannels} values, got {noise.LongLength}.");
        (Steps, Streams, Genomes, Cells, Fire, NoiseChannels, Noise) = (steps, streams, genomes, cells, fire, noiseChannels, noise);
    }

    /// <summary>Steps.</summary>
    public int Steps { get; }

    /// <summary>Streams R (1: common to every individual).</summary>
    public int Streams { get; }

    /// <summary>Genomes K per individual.</summary>
    public int Genomes { get; }

    /// <summary>Cells per organism, G x G.</summary>
    public int Cells { get; }

    /// <summary>0/1 fire masks (steps, R, K, G, G); empty when the decoder has none.</summary>
    public float[] Fire { get; }

    /// <summary>Channels (NCA) or genes (GRN) of the noise; 0 without noise.</summary>
    public int NoiseChannels { get; }

    /// <summary>Standard-normal noise (steps, R, K, C, G, G), or null.</summary>
    public float[]? Noise { get; }

    /// <summary>
    /// The draws the TorchSharp population development makes from <paramref name="randomness"/>, in its order: per
    /// step the fire mask <c>rand(K, 1, G, G) &lt; fireRate</c> (when <paramref name="fireRate"/> is given), then the
    /// noise <c>randn(K, C, G, G)</c> (when <paramref name="noiseChannels"/> &gt; 0), from each stream.
    /// </summary>
    public static PopulationDraws FromTorch(PopulationRandomness randomness, int steps, int genomes, int grid, double? fireRate, int noiseChannels, Device device)
    {
        ArgumentNullException.ThrowIfNull(randomness);
        int r = randomness.Streams, cells = grid * grid;
        long block = (long)r * genomes * cells;
        var fire = fireRate is null ? Array.Empty<float>() : new float[steps * block];
        var noise = noiseChannels > 0 ? new float[steps * block * noiseChannels] : null;
        for (int t = 0; t < steps; t++)
        {
            using var scope = torch.NewDisposeScope();
            if (fireRate is double rate)
            {
                var mask = randomness.Uniform(new long[] { genomes, 1, grid, grid }, device).Lt_(rate).cpu();  // (R, K, 1, G, G)
                mask.data<float>().CopyTo(fire.AsSpan((int)(t * block), (int)block));
            }
            if (noise is not null)
            {
                var n = randomness.Normal(new long[] { genomes, noiseChannels, grid, grid }, device).cpu();    // (R, K, C, G, G)
                n.data<float>().CopyTo(noise.AsSpan((int)(t * block * noiseChannels), (int)(block * noiseChannels)));
            }
        }
        return new PopulationDraws(steps, r, genomes, cells, fire, noiseChannels, noise);
    }

    /// <summary>
    /// Draws made without TorchSharp (for runs without libtorch, such as the GPU check): a counter-based generator
    /// (SplitMix64, Steele et al. 2014, on seed and position) gives uniform [0, 1) numbers with 24 bits; fire =
    /// u &lt; fireRate; noise by the Box-Muller transform (Box and Muller 1958). Deterministic in the seed; not the
    /// stream TorchSharp draws.
    /// </summary>
    public static PopulationDraws Managed(ulong seed, int steps, int streams, int genomes, int grid, double? fireRate, int noiseChannels)
    {
        int cells = grid * grid;
        long block = (long)streams * genomes * cells;
        var fire = fireRate is null ? Array.Empty<float>() : new float[steps * block];
        for (long i = 0; i < fire.LongLength; i++) fire[i] = Uniform(seed, 2 * i) < fireRate ? 1f : 0f;
        float[]? noise = null;
        if (noiseChannels > 0)
        {
            noise = new float[steps * block * noiseChannels];
            ulong noiseSeed = Seeds.Mix(seed ^ 0xA5A5A5A5A5A5A5A5UL);
            for (long i = 0; i < noise.LongLength; i++)
            {
                double u1 = 1.0 - Uniform(noiseSeed, 2 * i), u2 = Uniform(noiseSeed, 2 * i + 1);
                noise[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
            }
        }
        return new PopulationDraws(steps, streams, genomes, cells, fire, noiseChannels, noise);
    }

    private static double Uniform(ulong seed, long position) => (Seeds.Mix(seed + (ulong)position * 0x9E3779B97F4A7C15UL) >> 40) / (double)(1 << 24);
}
