using GenomicCode.Core;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>
/// The direct "blueprint" baseline: a transposed-convolution decoder mirroring disentanglement_lib's encoder
/// (Locatello et al. 2019): dense 256, dense to 64 x S/16 x S/16, then four 4x4 stride-2 transposed convolutions
/// 64, 32, 32, C with ReLU between. The genome describes the image directly, with no developmental process.
/// </summary>
public sealed class ConvDecoder : GenomeDecoder
{
    private readonly Sequential dense;
    private readonly Sequential upsample;
    private readonly int genomeSize;
    private readonly int channels;
    private readonly int imageSize;

    /// <summary>Creates the decoder for genomes of <paramref name="genomeSize"/> and images of C x S x S.</summary>
    public ConvDecoder(int genomeSize, int channels, int imageSize, int hiddenSize = 256) : base(nameof(ConvDecoder))
    {
        if (imageSize < 16 || imageSize % 16 != 0)
            throw new UserInputException($"ConvDecoder needs an image side that is a multiple of 16 (>= 16), got {imageSize}.");
        this.genomeSize = genomeSize;
        this.channels = channels;
        this.imageSize = imageSize;
        int side = imageSize / 16;
        dense = Sequential(
            Linear(genomeSize, hiddenSize), ReLU(),
            Linear(hiddenSize, 64 * side * side), ReLU(),
            Unflatten(1, new long[] { 64, side, side }));
        upsample = Sequential(
            ConvTranspose2d(64, 64, 4, stride: 2, padding: 1), ReLU(),
            ConvTranspose2d(64, 32, 4, stride: 2, padding: 1), ReLU(),
            ConvTranspose2d(32, 32, 4, stride: 2, padding: 1), ReLU(),
            ConvTranspose2d(32, channels, 4, stride: 2, padding: 1));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int GenomeSize => genomeSize;

    /// <inheritdoc />
    public override (int Channels, int Height, int Width) PhenotypeShape => (channels, imageSize, imageSize);

    /// <inheritdoc />
    public override Tensor forward(Tensor genome)
    {
        CheckGenome(genome);
        var h = dense.forward(genome);   // (B, 64, S/16, S/16)
        return upsample.forward(h);      // (B, C, S, S) logits
    }
}
