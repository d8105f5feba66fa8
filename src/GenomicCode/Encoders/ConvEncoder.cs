using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace GenomicCode.Encoders;

/// <summary>Options of the convolutional encoder.</summary>
public sealed record ConvEncoderOptions : IComponentOptions
{
    /// <summary>Width of the dense layer after the convolutions (8..8192). Default 256 (disentanglement_lib).</summary>
    public int HiddenSize { get; init; } = 256;

    /// <inheritdoc />
    public void Validate() => Guard.InRange(HiddenSize, 8, 8192);
}

/// <summary>
/// The convolutional encoder of disentanglement_lib (Locatello et al. 2019, appendix; Higgins et al. 2017):
/// four 4x4 stride-2 convolutions (padding 1) with 32, 32, 64, 64 channels and ReLU, a dense layer of 256, then a linear
/// map to the posterior parameters. Each convolution halves a side, rounding down (64 -> 32 -> 16 -> 8 -> 4;
/// 28 -> 14 -> 7 -> 3 -> 1), so any side of at least 16 works.
/// </summary>
public sealed class ConvEncoder : GenomeEncoder
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<ConvEncoderOptions, EncoderContext, GenomeEncoder> Entry { get; } = new(
        "conv", "four 4x4 stride-2 convolutions (32, 32, 64, 64), a dense layer, then the posterior parameters; sides >= 16.",
        "Locatello et al. 2019, Challenging common assumptions in the unsupervised learning of disentangled representations (ICML), appendix (conv_encoder)",
        (o, c) => new ConvEncoder(c.ImageShape, c.OutputSize, o));

    private readonly Sequential features;
    private readonly Linear dense;
    private readonly Linear toPosterior;
    private readonly (int Channels, int Height, int Width) shape;
    private readonly int outputSize;

    /// <summary>Creates the encoder for images of <paramref name="imageShape"/> with <paramref name="outputSize"/> outputs.</summary>
    public ConvEncoder((int Channels, int Height, int Width) imageShape, int outputSize, ConvEncoderOptions? options = null) : base(nameof(ConvEncoder))
    {
        options ??= new ConvEncoderOptions();
        options.Validate();
        if (imageShape.Channels < 1) throw new UserInputException($"ConvEncoder needs at least one image channel, got {imageShape.Channels}.");
        if (imageShape.Height < 16 || imageShape.Width < 16)
            throw new UserInputException($"ConvEncoder needs image sides of at least 16 (four stride-2 convolutions), got {imageShape.Height}x{imageShape.Width}; use the mlp encoder for smaller images.");
        Guard.InRange(outputSize, 1, 1 << 20);
        shape = imageShape;
        this.outputSize = outputSize;
        features = Sequential(
            Conv2d(imageShape.Channels, 32, 4, stride: 2, padding: 1), ReLU(),
            Conv2d(32, 32, 4, stride: 2, padding: 1), ReLU(),
            Conv2d(32, 64, 4, stride: 2, padding: 1), ReLU(),
            Conv2d(64, 64, 4, stride: 2, padding: 1), ReLU());
        int h = Sides(imageShape.Height)[^1], w = Sides(imageShape.Width)[^1];
        dense = Linear(64 * h * w, options.HiddenSize);
        toPosterior = Linear(options.HiddenSize, outputSize);
        RegisterComponents();
    }

    /// <summary>
    /// A side before and after each of the four 4x4 stride-2 convolutions with padding 1: floor((s + 2 - 4) / 2) + 1 =
    /// floor(s / 2). Five numbers, the input side first.
    /// </summary>
    public static int[] Sides(int side)
    {
        var sides = new int[5];
        sides[0] = side;
        for (int i = 1; i < 5; i++) sides[i] = sides[i - 1] / 2;
        return sides;
    }

    /// <inheritdoc />
    public override int OutputSize => outputSize;

    /// <inheritdoc />
    public override (int Channels, int Height, int Width) ImageShape => shape;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        CheckImages(x);
        var h = features.forward(x);                      // (B, 64, H/16, W/16), sides rounded down at each halving
        h = functional.relu(dense.forward(h.flatten(1))); // (B, hidden)
        return toPosterior.forward(h);                    // (B, outputs)
    }
}
