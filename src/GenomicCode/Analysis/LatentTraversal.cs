using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Models;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Analysis;

/// <summary>Reconstructions and latent traversals of a trained genome VAE, returned as plain pixel arrays.</summary>
public static class LatentTraversal
{
    /// <summary>
    /// Renders <paramref name="count"/> sampled observations and their reconstructions from the posterior mean.
    /// Returns two arrays of count x (C x H x W) pixels in [0, 1].
    /// </summary>
    public static (float[] Inputs, float[] Reconstructions) Reconstructions(GenomeVae model, IGroundTruthData data, int count, long seed, Device device)
    {
        if (count < 1) throw new UserInputException($"reconstruction count must be >= 1, got {count}.");
        using var scope = torch.NewDisposeScope();
        model.eval();
        var images = data.Render(data.SampleFactors(count, seed), device);
        var recon = model.Develop(model.Encode(images));
        return (ToArray(images), ToArray(recon));
    }

    /// <summary>
    /// Sweeps each latent dimension over <paramref name="values"/> while the others stay at the posterior mean of one
    /// sampled observation (Higgins et al. 2017, fig. 7). Returns D x V tiles of C x H x W pixels, dimension-major.
    /// </summary>
    public static float[] Traverse(GenomeVae model, IGroundTruthData data, IReadOnlyList<double> values, long seed, Device device)
    {
        if (values.Count < 1) throw new UserInputException("a traversal needs at least one value.");
        using var scope = torch.NewDisposeScope();
        model.eval();
        var image = data.Render(data.SampleFactors(1, seed), device);
        var mean = model.Encode(image);                                  // (1, D)
        int d = model.LatentSize, v = values.Count;
        var genomes = mean.repeat(d * v, 1);                             // (D*V, D)
        var sweep = torch.tensor(values.Select(x => (float)x).ToArray(), device: device).repeat(d); // (D*V)
        var rows = ScalarMath.Arange(d * v, device: device);
        var dims = ScalarMath.Arange(d, device: device).repeat_interleave(v); // (D*V) dimension of each row
        genomes.index_put_(sweep, rows, dims);
        return ToArray(model.Develop(genomes));
    }

    /// <summary>Evenly spaced values from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public static double[] Linspace(double from, double to, int count) =>
        Enumerable.Range(0, count).Select(i => count == 1 ? from : from + (to - from) * i / (count - 1)).ToArray();

    private static float[] ToArray(Tensor t) => t.detach().to(torch.CPU).contiguous().data<float>().ToArray();
}
