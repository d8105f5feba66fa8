using static TorchSharp.torch;

namespace GenomicCode.Encoders;

/// <summary>What an encoder is built for besides its options.</summary>
/// <param name="ImageShape">(C, H, W) of the phenotypes it reads.</param>
/// <param name="OutputSize">Numbers per phenotype it outputs: the latent genome's posterior parameters.</param>
public sealed record EncoderContext((int Channels, int Height, int Width) ImageShape, int OutputSize);

/// <summary>
/// An amortised encoder: the fast surrogate for evolution that maps a phenotype batch (B, C, H, W) to the parameters
/// (B, <see cref="OutputSize"/>) of the posterior over genomes; the latent genome reads them (for the Gaussian genome:
/// means, then log-variances).
/// </summary>
public abstract class GenomeEncoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module with a name.</summary>
    protected GenomeEncoder(string name) : base(name) { }

    /// <summary>Posterior parameters per phenotype.</summary>
    public abstract int OutputSize { get; }

    /// <summary>Shape (C, H, W) of the phenotypes it reads.</summary>
    public abstract (int Channels, int Height, int Width) ImageShape { get; }

    /// <summary>Throws a one-line error when <paramref name="x"/> is not (B, C, H, W) of <see cref="ImageShape"/>.</summary>
    protected void CheckImages(Tensor x)
    {
        var (c, h, w) = ImageShape;
        if (x.dim() != 4 || x.shape[1] != c || x.shape[2] != h || x.shape[3] != w)
            throw new Core.UserInputException($"{GetName()} expects images of shape (B, {c}, {h}, {w}), got ({string.Join(", ", x.shape)}).");
    }
}
