using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Latent;
using GenomicCode.Metrics;
using GenomicCode.Numerics;
using GenomicCode.Regularizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// One toy variant per family, written against the public API only, as a researcher would in their own project.
// docs/extending.md shows these regions verbatim; ExtendingTests checks that it still does.
namespace GenomicCode.Tests.Extending;

#region extending:regularizer
/// <summary>Options of the L1 code penalty.</summary>
public sealed record L1CodeOptions : IComponentOptions
{
    /// <summary>Weight of the penalty (>= 0). Default 1.</summary>
    public double Weight { get; init; } = 1;

    /// <inheritdoc />
    public void Validate() => Guard.NonNegative(Weight);
}

/// <summary>KL plus weight x |posterior mean|, summed over genome dimensions and averaged over the batch (a toy of ours).</summary>
public sealed class L1Code(double weight) : IRegularizer
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<L1CodeOptions, RegularizerContext, IRegularizer> Entry { get; } = new(
        "l1-code", "KL + weight x |posterior mean|, pulling unused genes to exactly zero.", "",
        (o, _) => new L1Code(o.Weight));

    /// <inheritdoc />
    public string Name => "l1-code";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(LatentBatch latent, long step) => new Dictionary<string, Tensor>
    {
        ["kl"] = latent.KlPerDimension.sum(dim: 1).mean(),
        ["l1"] = latent.Mean.abs().sum(dim: 1).mean().Mul(weight),
    };
}
#endregion

#region extending:latent
/// <summary>Options of the wide Gaussian genome.</summary>
public sealed record WideGaussianOptions : IComponentOptions
{
    /// <summary>Standard deviation s of the prior N(0, s^2 I) (> 0). Default 2.</summary>
    public double PriorScale { get; init; } = 2;

    /// <inheritdoc />
    public void Validate() => Guard.Positive(PriorScale);
}

/// <summary>A Gaussian genome whose prior is N(0, s^2 I) instead of N(0, I) (a toy of ours).</summary>
public sealed class WideGaussian : LatentGenome
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<WideGaussianOptions, LatentContext, LatentGenome> Entry { get; } = new(
        "wide-gaussian", "diagonal Gaussian posterior, prior N(0, s^2 I).", "",
        (o, c) => new WideGaussian(c.LatentSize, o.PriorScale));

    private readonly int size;
    private readonly double scale;

    /// <summary>A genome of <paramref name="size"/> dimensions with prior scale <paramref name="scale"/>.</summary>
    public WideGaussian(int size, double scale) : base(nameof(WideGaussian))
    {
        this.size = size;
        this.scale = scale;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string Kind => "wide-gaussian";

    /// <inheritdoc />
    public override int Size => size;

    /// <inheritdoc />
    public override int ParameterSize => 2 * size;

    /// <inheritdoc />
    public override LatentPosterior Posterior(Tensor parameters)
    {
        var parts = parameters.chunk(2, dim: 1);   // 2 x (B, D): means, log-variances
        return new LatentPosterior(parameters, parts[0], parts[1]);
    }

    /// <inheritdoc />
    public override Tensor Sample(LatentPosterior posterior, Generator? generator, long step) =>
        GaussianGenome.Sample(posterior.Mean, posterior.LogVar, generator);

    /// <summary>KL(N(m, v) || N(0, s^2)) = 0.5 ((v + m^2) / s^2 - 1 + 2 log s - log v) per dimension, (B, D).</summary>
    public override Tensor KlPerDimension(LatentPosterior posterior) =>
        (posterior.LogVar.exp().Plus(posterior.Mean.Square()).Div(scale * scale) - posterior.LogVar).Sub(1 - 2 * Math.Log(scale)).Mul(0.5);

    /// <inheritdoc />
    public override Tensor SamplePrior(long count, Generator? generator, Device? device = null) =>
        torch.randn(new[] { count, (long)size }, generator: generator, device: device).Mul(scale);
}
#endregion

#region extending:encoder
/// <summary>Options of the pooled encoder.</summary>
public sealed record PooledEncoderOptions : IComponentOptions
{
    /// <summary>Side of the grid the image is averaged down to (1..64). Default 4.</summary>
    public int Cells { get; init; } = 4;

    /// <inheritdoc />
    public void Validate() => Guard.InRange(Cells, 1, 64);
}

/// <summary>Averages the image down to a small grid, then one linear map to the posterior parameters (a toy of ours).</summary>
public sealed class PooledEncoder : GenomeEncoder
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<PooledEncoderOptions, EncoderContext, GenomeEncoder> Entry { get; } = new(
        "pooled", "adaptive average pooling to a cells x cells grid, then one linear map.", "",
        (o, c) => new PooledEncoder(c.ImageShape, c.OutputSize, o.Cells));

    private readonly Linear toPosterior;
    private readonly (int Channels, int Height, int Width) shape;
    private readonly int outputs;
    private readonly int cells;

    /// <summary>Creates the encoder for images of <paramref name="shape"/>.</summary>
    public PooledEncoder((int Channels, int Height, int Width) shape, int outputs, int cells) : base(nameof(PooledEncoder))
    {
        this.shape = shape;
        this.outputs = outputs;
        this.cells = cells;
        toPosterior = nn.Linear(shape.Channels * cells * cells, outputs);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int OutputSize => outputs;

    /// <inheritdoc />
    public override (int Channels, int Height, int Width) ImageShape => shape;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        CheckImages(x);
        var pooled = nn.functional.adaptive_avg_pool2d(x, new long[] { cells, cells });   // (B, C, cells, cells)
        return toPosterior.forward(pooled.flatten(1));                                    // (B, outputs)
    }
}
#endregion

#region extending:decoder
/// <summary>Options of the linear decoder.</summary>
public sealed record LinearDecoderOptions : IComponentOptions
{
    /// <summary>Whether every pixel has a learned bias. Default true.</summary>
    public bool Bias { get; init; } = true;

    /// <inheritdoc />
    public void Validate() { }
}

/// <summary>One linear map from the genome to every pixel's logit: the simplest blueprint (a toy of ours).</summary>
public sealed class LinearDecoder : GenomeDecoder
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<LinearDecoderOptions, DecoderContext, GenomeDecoder> Entry { get; } = new(
        "linear", "one linear map from the genome to the pixel logits.", "",
        (o, c) => new LinearDecoder(c.GenomeSize, c.PhenotypeShape, o.Bias));

    private readonly Linear map;
    private readonly int genomeSize;
    private readonly (int Channels, int Height, int Width) shape;

    /// <summary>Creates the decoder for genomes of <paramref name="genomeSize"/> and phenotypes of <paramref name="shape"/>.</summary>
    public LinearDecoder(int genomeSize, (int Channels, int Height, int Width) shape, bool bias) : base(nameof(LinearDecoder))
    {
        this.genomeSize = genomeSize;
        this.shape = shape;
        map = nn.Linear(genomeSize, shape.Channels * shape.Height * shape.Width, hasBias: bias);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int GenomeSize => genomeSize;

    /// <inheritdoc />
    public override (int Channels, int Height, int Width) PhenotypeShape => shape;

    /// <inheritdoc />
    public override Tensor forward(Tensor genome)
    {
        CheckGenome(genome);
        return map.forward(genome).view(-1, shape.Channels, shape.Height, shape.Width);   // (B, C, H, W) logits
    }
}
#endregion

#region extending:dataset
/// <summary>Options of the stripes world.</summary>
public sealed record StripesOptions : IComponentOptions
{
    /// <summary>Image side, a multiple of 8 in 16..256. Default 16.</summary>
    public int Size { get; init; } = 16;

    /// <inheritdoc />
    public void Validate()
    {
        Guard.InRange(Size, 16, 256);
        if (Size % 8 != 0) throw new UserInputException($"Size must be a multiple of 8, got {Size}.");
    }
}

/// <summary>Binary images holding one stripe: orientation (horizontal, vertical) x position (8 bands) (a toy of ours).</summary>
public sealed class Stripes(int size) : IGroundTruthData
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<StripesOptions, DatasetContext, IGroundTruthData> Entry { get; } = new(
        "stripes", "one stripe per image: 2 orientations x 8 positions, binary size x size.", "rendered on demand",
        (o, _) => new Stripes(o.Size));

    /// <inheritdoc />
    public IReadOnlyList<string> FactorNames { get; } = new[] { "orientation", "position" };

    /// <inheritdoc />
    public IReadOnlyList<int> FactorSizes { get; } = new[] { 2, 8 };

    /// <inheritdoc />
    public (int Channels, int Height, int Width) ObservationShape => (1, size, size);

    /// <inheritdoc />
    public long Count => 16;

    /// <inheritdoc />
    public int[,] SampleFactors(int n, long seed)
    {
        var rng = Seeds.Random(seed);
        var factors = new int[n, 2];
        for (int i = 0; i < n; i++) (factors[i, 0], factors[i, 1]) = (rng.Next(2), rng.Next(8));
        return factors;
    }

    /// <inheritdoc />
    public Tensor Render(int[,] factors, Device? device = null)
    {
        int n = factors.GetLength(0), band = size / 8;
        var pixels = new float[n * size * size];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    if ((factors[i, 0] == 0 ? y : x) / band == factors[i, 1]) pixels[(i * size + y) * size + x] = 1;
        return torch.tensor(pixels, new long[] { n, 1, size, size }).to(device ?? CPU);
    }
}
#endregion

#region extending:metric
/// <summary>Options of the max-correlation score: the training points (a sampled metric's <see cref="SampledMetricOptions.NumTrain"/>).</summary>
public sealed record MaxCorrelationOptions : SampledMetricOptions;

/// <summary>
/// For each scored factor, the largest absolute Pearson correlation between a code dimension and the factor's value,
/// averaged over factors: 1 when every factor is a linear function of one code (a toy of ours; it ignores which code).
/// </summary>
public sealed class MaxCorrelation(MaxCorrelationOptions options) : ICodeMetric
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<MaxCorrelationOptions, NoContext, IDisentanglementMetric> Entry { get; } = new(
        "max-correlation", "per factor, the largest |Pearson correlation| of one code with it, averaged over factors.", "",
        (o, _) => new MaxCorrelation(o));

    /// <inheritdoc />
    public IComponentOptions Options => options;

    /// <inheritdoc />
    public string Name => "max-correlation";

    /// <inheritdoc />
    public IReadOnlyList<string> ScoreNames { get; } = new[] { "max_correlation" };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(IGroundTruthData data, Representation represent, long seed, Device? device = null)
    {
        var codes = CodeSampler.Sample(data, represent, options.NumTrain, seed, device);
        return Score(codes, codes, seed);
    }

    /// <summary>Scores the training codes only (nothing is fitted).</summary>
    public IReadOnlyDictionary<string, double> Score(LabelledCodes train, LabelledCodes test, long seed)
    {
        double total = 0;
        for (int k = 0; k < train.FactorCount; k++)
        {
            var factor = train.FactorColumn(k).Select(v => (double)v).ToArray();
            total += Enumerable.Range(0, train.CodeSize).Max(j => Math.Abs(Pearson(train.CodeColumn(j), factor)));
        }
        return new Dictionary<string, double> { ["max_correlation"] = total / train.FactorCount };
    }

    /// <summary>Pearson's r = cov(x, y) / (sd(x) sd(y)); 0 when either is constant.</summary>
    public static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : 0;
    }
}
#endregion
