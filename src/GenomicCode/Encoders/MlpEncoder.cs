using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace GenomicCode.Encoders;

/// <summary>Options of the fully connected encoder. Defaults: disentanglement_lib's fc_encoder (two layers of 1200).</summary>
public sealed record MlpEncoderOptions : IComponentOptions
{
    /// <summary>Hidden layers (1..8). Default 2.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Units per hidden layer (8..8192). Default 1200.</summary>
    public int HiddenSize { get; init; } = 1200;

    /// <inheritdoc />
    public void Validate()
    {
        Guard.InRange(Layers, 1, 8);
        Guard.InRange(HiddenSize, 8, 8192);
    }
}

/// <summary>
/// A fully connected encoder for flat data and small images (disentanglement_lib's fc_encoder, Locatello et al. 2019):
/// the phenotype flattened, <see cref="MlpEncoderOptions.Layers"/> dense layers with ReLU, then a linear map to the
/// posterior parameters. Any image shape.
/// </summary>
public sealed class MlpEncoder : GenomeEncoder
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<MlpEncoderOptions, EncoderContext, GenomeEncoder> Entry { get; } = new(
        "mlp", "the phenotype flattened, dense layers with ReLU, then the posterior parameters; any image shape.",
        "Locatello et al. 2019, Challenging common assumptions in the unsupervised learning of disentangled representations (ICML), appendix (fc_encoder)",
        (o, c) => new MlpEncoder(c.ImageShape, c.OutputSize, o), "fc");

    private readonly Sequential hidden;
    private readonly Linear toPosterior;
    private readonly (int Channels, int Height, int Width) shape;
    private readonly int outputSize;

    /// <summary>Creates the encoder for images of <paramref name="imageShape"/> with <paramref name="outputSize"/> outputs.</summary>
    public MlpEncoder((int Channels, int Height, int Width) imageShape, int outputSize, MlpEncoderOptions? options = null) : base(nameof(MlpEncoder))
    {
        options ??= new MlpEncoderOptions();
        options.Validate();
        if (imageShape.Channels < 1 || imageShape.Height < 1 || imageShape.Width < 1)
            throw new UserInputException($"MlpEncoder needs a positive image shape, got {imageShape}.");
        Guard.InRange(outputSize, 1, 1 << 20);
        shape = imageShape;
        this.outputSize = outputSize;
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long inputs = (long)imageShape.Channels * imageShape.Height * imageShape.Width;
        for (int i = 0; i < options.Layers; i++)
        {
            layers.Add(($"linear{i}", Linear(inputs, options.HiddenSize)));
            layers.Add(($"relu{i}", ReLU()));
            inputs = options.HiddenSize;
        }
        hidden = Sequential(layers);
        toPosterior = Linear(options.HiddenSize, outputSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int OutputSize => outputSize;

    /// <inheritdoc />
    public override (int Channels, int Height, int Width) ImageShape => shape;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        CheckImages(x);
        return toPosterior.forward(hidden.forward(x.flatten(1)));   // (B, C*H*W) -> (B, hidden) -> (B, outputs)
    }
}
