using GenomicCode.Core;
using GenomicCode.Numerics;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>
/// beta-VAE (Higgins et al. 2017, eq. 4): beta x KL(q(g|x) || p(g)), the KL summed over dimensions and averaged over
/// the batch. beta = 1 is the plain VAE (Kingma and Welling 2014).
/// </summary>
public sealed class BetaVae : IRegularizer
{
    /// <summary>Catalogue entry; beta comes from <see cref="Models.ModelOptions.Beta"/>.</summary>
    internal static RegularizerEntry Entry { get; } = new(
        "beta-vae", new[] { "vae" }, "beta x KL to the standard-normal prior; beta = 1 is the plain VAE.",
        "Higgins et al. 2017, beta-VAE: Learning basic visual concepts with a constrained variational framework (ICLR), eq. 4",
        UsesBeta: true, OptionsKey: null, (o, _) => new BetaVae(o.Beta));

    /// <summary>Creates the regulariser with weight <paramref name="beta"/> (>= 0).</summary>
    public BetaVae(double beta)
    {
        Guard.NonNegative(beta);
        Beta = beta;
    }

    /// <summary>The KL weight.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    public string Name => "beta-vae";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(LatentBatch latent, long step) =>
        new Dictionary<string, Tensor> { ["beta_kl"] = latent.KlPerDimension.sum(dim: 1).mean().Mul(Beta) };
}
