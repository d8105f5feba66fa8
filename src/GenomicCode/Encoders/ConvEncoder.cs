using GenomicCode.Core;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace GenomicCode.Encoders;

/// <summary>
/// The convolutional encoder of disentanglement_lib (Locatello et al. 2019, appendix; Higgins et al. 2017):
/// four 4x4 stride-2 convolutions with 32, 32, 64, 64 channels and ReLU, a dense layer of 256, then a linear map to
/// the mean and log-variance of the latent genome. Needs a square image whose side is a multiple of 16.
/// </summary>
public sealed class ConvEncoder : GenomeEncoder
{
    private readonly Sequential features;
    private readonly Linear dense;
    private readonly Linear toPosterior;
    private readonly int latentSize;
    private readonly int channels;
    private readonly int imageSize;

    /// <summary>Creates the encoder for images of <paramref name="channels"/> x <paramref name="imageSize"/>^2.</summary>
    public ConvEncoder(int channels, int imageSize, int latentSize, int hiddenSize = 256) : base(nameof(ConvEncoder))
    {
        if (imageSize < 16 || imageSize % 16 != 0)
            throw new UserInputException($"ConvEncoder needs an image side that is a multiple of 16 (>= 16), got {imageSize}.");
        this.latentSize = latentSize;
        this.channels = channels;
        this.imageSize = imageSize;
        features = Sequential(
            Conv2d(channels, 32, 4, stride: 2, padding: 1), ReLU(),
            Conv2d(32, 32, 4, stride: 2, padding: 1), ReLU(),
            Conv2d(32, 64, 4, stride: 2, padding: 1), ReLU(),
            Conv2d(64, 64, 4, stride: 2, padding: 1), ReLU());
        int side = imageSize / 16;
        dense = Linear(64 * side * side, hiddenSize);
        toPosterior = Linear(hiddenSize, 2 * latentSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int LatentSize => latentSize;

    /// <inheritdoc />
    public override (Tensor Mean, Tensor LogVar) forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != channels || x.shape[2] != imageSize || x.shape[3] != imageSize)
            throw new UserInputException($"ConvEncoder expects images of shape (B, {channels}, {imageSize}, {imageSize}), got ({string.Join(", ", x.shape)}).");
        var h = features.forward(x);                 // (B, 64, S/16, S/16)
        h = functional.relu(dense.forward(h.flatten(1))); // (B, hidden)
        var p = toPosterior.forward(h);              // (B, 2D)
        var parts = p.chunk(2, dim: 1);              // 2 x (B, D)
        return (parts[0], parts[1]);
    }
}
