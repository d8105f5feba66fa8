using GenomicCode.Core;
using GenomicCode.Numerics;

namespace GenomicCode.Gpu;

/// <summary>
/// Weights for P individuals made without TorchSharp (benchmarks and the GPU check run without libtorch): each
/// parameter uniform in (-1/sqrt(fan_in), 1/sqrt(fan_in)), the scale of PyTorch's default Linear / Conv2d
/// initialisation (He et al. 2015's bound with a = sqrt(5)), from a counter-based SplitMix64 stream (Steele et al. 2014)
/// per seed. Differences from the decoders' own initialisation, all ours: the NCA's update layer is not zero (so
/// organisms change from the first step), the NCA's gain is 1 and bias -3, the GRN's shared W0 has the variance 1/I of its
/// N(0, 1/I), its second hypernetwork layer is scaled by 0.1, its alive gene's bias is 2, gain 3 and bias -3, as in
/// <see cref="Development.GrnDecoder"/>.
/// </summary>
public static class InitialWeights
{
    /// <summary>(P, D) row-major weights of <paramref name="population"/> NCA individuals.</summary>
    public static float[] For(NcaSpec spec, int population, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int d = spec.ParameterCount;
        var w = new float[(long)population * d];
        for (int i = 0; i < population; i++)
        {
            var row = w.AsSpan(i * d, d);
            var stream = new Stream(seed, i);
            row.Slice(spec.GainOffset, spec.Readout).Fill(1f);
            row.Slice(spec.BiasOffset, spec.Readout).Fill(-3f);
            stream.Uniform(row.Slice(spec.HiddenWeightOffset, spec.Hidden * 3 * spec.Channels), 3 * spec.Channels);
            stream.Uniform(row.Slice(spec.HiddenBiasOffset, spec.Hidden), 3 * spec.Channels);
            stream.Uniform(row.Slice(spec.UpdateWeightOffset, spec.Channels * spec.Hidden), spec.Hidden);
            stream.Uniform(row.Slice(spec.SeedWeightOffset, spec.SeedSize * spec.GenomeSize), spec.GenomeSize);
            stream.Uniform(row.Slice(spec.SeedBiasOffset, spec.SeedSize), spec.GenomeSize);
            if (spec.ConditionEveryCell)
            {
                stream.Uniform(row.Slice(spec.ConditionWeightOffset, spec.Hidden * spec.GenomeSize), spec.GenomeSize);
                stream.Uniform(row.Slice(spec.ConditionBiasOffset, spec.Hidden), spec.GenomeSize);
            }
        }
        return w;
    }

    /// <summary>(P, D) row-major weights of <paramref name="population"/> GRN individuals.</summary>
    public static float[] For(GrnSpec spec, int population, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int d = spec.ParameterCount;
        var w = new float[(long)population * d];
        for (int i = 0; i < population; i++)
        {
            var row = w.AsSpan(i * d, d);
            var stream = new Stream(seed, i);
            stream.Uniform(row.Slice(spec.BaseWeightOffset, spec.Genes * spec.Inputs), spec.Inputs / 3.0); // bound sqrt(3 / I): variance 1 / I
            row[spec.BaseBiasOffset + spec.Readout] = 2f;
            row.Slice(spec.GainOffset, spec.Readout).Fill(3f);
            row.Slice(spec.BiasOffset, spec.Readout).Fill(-3f);
            stream.Uniform(row.Slice(spec.HyperHiddenWeightOffset, spec.Hidden * spec.GenomeSize), spec.GenomeSize);
            stream.Uniform(row.Slice(spec.HyperHiddenBiasOffset, spec.Hidden), spec.GenomeSize);
            var outWeights = row.Slice(spec.HyperOutWeightOffset, spec.Regulation * spec.Hidden);
            stream.Uniform(outWeights, spec.Hidden);
            foreach (ref float v in outWeights) v *= 0.1f;
            stream.Uniform(row.Slice(spec.HyperOutBiasOffset, spec.Regulation), spec.Hidden);
            stream.Uniform(row.Slice(spec.MaternalWeightOffset, spec.MaternalSize * spec.GenomeSize), spec.GenomeSize);
            stream.Uniform(row.Slice(spec.MaternalBiasOffset, spec.MaternalSize), spec.GenomeSize);
        }
        return w;
    }

    /// <summary>Standard-normal genomes (rows x width), row-major, by the Box-Muller transform (Box and Muller 1958).</summary>
    public static float[] Genomes(int rows, int width, ulong seed)
    {
        var g = new float[rows * width];
        var stream = new Stream(seed, -1);
        for (int i = 0; i < g.Length; i++)
        {
            double u1 = 1.0 - stream.Next(), u2 = stream.Next();
            g[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
        return g;
    }

    private sealed class Stream(ulong seed, long index)
    {
        private readonly ulong start = Seeds.Derive((long)seed, index);
        private ulong position;

        /// <summary>Uniform [0, 1) with 24 bits.</summary>
        public double Next() => (Seeds.Mix(start + position++ * 0x9E3779B97F4A7C15UL) >> 40) / (double)(1 << 24);

        /// <summary>Fills with uniform (-1/sqrt(fanIn), 1/sqrt(fanIn)).</summary>
        public void Uniform(Span<float> values, double fanIn)
        {
            double bound = 1.0 / Math.Sqrt(fanIn);
            for (int i = 0; i < values.Length; i++) values[i] = (float)((2.0 * Next() - 1.0) * bound);
        }
    }
}
