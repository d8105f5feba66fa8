using static TorchSharp.torch;

namespace GenomicCode.Encoders;

/// <summary>
/// An amortised encoder: the fast surrogate for evolution that maps a phenotype batch (B, C, H, W) to the posterior
/// over genomes, as mean and log-variance, each (B, latent size).
/// </summary>
public abstract class GenomeEncoder : nn.Module<Tensor, (Tensor Mean, Tensor LogVar)>
{
    /// <summary>Creates the module with a name.</summary>
    protected GenomeEncoder(string name) : base(name) { }

    /// <summary>Number of latent genome dimensions.</summary>
    public abstract int LatentSize { get; }
}
