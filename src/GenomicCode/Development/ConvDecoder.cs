using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>Options of the transposed-convolution decoder.</summary>
public sealed record ConvDecoderOptions : IComponentOptions
{
    /// <summary>Width of the first dense layer (8..8192). Default 256 (disentanglement_lib).</summary>
    public int HiddenSize { get; init; } = 256;

    /// <inheritdoc />
    public void Validate() => Guard.InRange(HiddenSize, 8, 8192);
}

/// <summary>
/// The direct "blueprint" baseline: a transposed-convolution decoder mirroring disentanglement_lib's encoder
/// (Locatello et al. 2019): dense 256, dense to 64 x h x w, then four 4x4 stride-2 transposed convolutions (padding 1)
/// 64, 32, 32, C with ReLU between. It retraces the sides the conv encoder passes through (<see cref="Sides"/>):
/// each transposed convolution doubles a side and adds one where the encoder's halving rounded down (28: 1 -> 3 -> 7
/// -> 14 -> 28, as output padding), so any side of at least 16 works. The genome describes the image directly, with
/// no developmental process.
/// </summary>
public sealed class ConvDecoder : GenomeDecoder
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<ConvDecoderOptions, DecoderContext, GenomeDecoder> Entry { get; } = new(
        "conv", "the blueprint baseline: dense layers, then four 4x4 stride-2 transposed convolutions (64, 32, 32, C); sides >= 16.",
        "Locatello et al. 2019, Challenging common assumptions in the unsupervised learning of disentangled representations (ICML), appendix (deconv_decoder)",
        (o, c) => new ConvDecoder(c.GenomeSize, c.PhenotypeShape, o));

    private readonly Sequential dense;
    private readonly Sequential upsample;
    private readonly int genomeSize;
    private readonly (int Channels, int Height, int Width) shape;
    private readonly (long Height, long Width)[] sides;   // after each transposed convolution

    /// <summary>Creates the decoder for genomes of <paramref name="genomeSize"/> and images of <paramref name="imageShape"/>.</summary>
    public ConvDecoder(int genomeSize, (int Channels, int Height, int Width) imageShape, ConvDecoderOptions? options = null) : base(nameof(ConvDecoder))
    {
        options ??= new ConvDecoderOptions();
        options.Validate();
        if (genomeSize < 1) throw new UserInputException($"ConvDecoder needs a genome of width >= 1, got {genomeSize}.");
        if (imageShape.Channels < 1) throw new UserInputException($"ConvDecoder needs at least one image channel, got {imageShape.Channels}.");
        if (imageShape.Height < 16 || imageShape.Width < 16)
            throw new UserInputException($"ConvDecoder needs image sides of at least 16 (four stride-2 transposed convolutions), got {imageShape.Height}x{imageShape.Width}.");
        this.genomeSize = genomeSize;
        shape = imageShape;
        var hs = Sides(imageShape.Height);
        var ws = Sides(imageShape.Width);
        dense = Sequential(
            Linear(genomeSize, options.HiddenSize), ReLU(),
            Linear(options.HiddenSize, 64 * hs[4] * ws[4]), ReLU(),
            Unflatten(1, new long[] { 64, hs[4], ws[4] }));
        upsample = Sequential(
            Up(64, 64, hs[3] - 2 * hs[4], ws[3] - 2 * ws[4]), ReLU(),
            Up(64, 32, hs[2] - 2 * hs[3], ws[2] - 2 * ws[3]), ReLU(),
            Up(32, 32, hs[1] - 2 * hs[2], ws[1] - 2 * ws[2]), ReLU(),
            Up(32, imageShape.Channels, hs[0] - 2 * hs[1], ws[0] - 2 * ws[1]));
        sides = new[] { ((long)hs[3], (long)ws[3]), (hs[2], ws[2]), (hs[1], ws[1]), (hs[0], ws[0]) };
        RegisterComponents();
    }

    /// <summary>
    /// The sides of the conv encoder's feature maps for an image side: the side, then after each of its four 4x4 stride-2
    /// convolutions with padding 1, floor((s + 2 - 4) / 2) + 1 = floor(s / 2).
    /// </summary>
    public static int[] Sides(int side)
    {
        var sides = new int[5];
        sides[0] = side;
        for (int i = 1; i < 5; i++) sides[i] = sides[i - 1] / 2;
        return sides;
    }

    /// <summary>
    /// A 4x4 stride-2 transposed convolution (padding 1) whose output side is 2 s plus an output padding of 0 or 1. Where
    /// height and width need different paddings, both get 1 and <see cref="forward"/> cuts the extra row or column off
    /// (output padding only appends at the end, so the rows before it are the same).
    /// </summary>
    private static Module<Tensor, Tensor> Up(long inputs, long outputs, long padHeight, long padWidth) =>
        ConvTranspose2d(inputs, outputs, 4, stride: 2, padding: 1, output_padding: Math.Max(padHeight, padWidth));

    /// <inheritdoc />
    public override int GenomeSize => genomeSize;

    /// <inheritdoc />
    public override (int Channels, int Height, int Width) PhenotypeShape => shape;

    /// <inheritdoc />
    public override Tensor forward(Tensor genome)
    {
        CheckGenome(genome);
        var h = dense.forward(genome);   // (B, 64, h, w): the conv encoder's last sides
        int layer = 0;
        foreach (var module in upsample.children())
        {
            h = ((Module<Tensor, Tensor>)module).forward(h);
            if (module is not TorchSharp.Modules.ConvTranspose2d) continue;
            var (height, width) = sides[layer++];
            if (h.shape[2] != height) h = h.narrow(2, 0, height);
            if (h.shape[3] != width) h = h.narrow(3, 0, width);
        }
        return h;                        // (B, C, H, W) logits
    }
}
