using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>Options of beta-VAE.</summary>
public sealed record BetaVaeOptions : IBetaOptions
{
    /// <summary>KL weight beta (>= 0). Default 1 (the plain VAE).</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public BetaVaeOptions Validate()
    {
        Guard.NonNegative(Beta);
        return this;
    }

    void IComponentOptions.Validate() => Validate();

    /// <inheritdoc />
    public IBetaOptions WithBeta(double beta) => this with { Beta = beta };
}

/// <summary>
/// beta-VAE (Higgins et al. 2017, eq. 4): beta x KL(q(g|x) || p(g)), the KL summed over dimensions and averaged over
/// the batch. beta = 1 is the plain VAE (Kingma and Welling 2014).
/// </summary>
public sealed class BetaVae : IRegularizer
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<BetaVaeOptions, RegularizerContext, IRegularizer> Entry { get; } = new(
        "beta-vae", "beta x KL to the prior; beta = 1 is the plain VAE.",
        "Higgins et al. 2017, beta-VAE: Learning basic visual concepts with a constrained variational framework (ICLR), eq. 4",
        (o, _) => new BetaVae(o), "vae");

    /// <summary>Creates the regulariser.</summary>
    public BetaVae(BetaVaeOptions options) => Options = options.Validate();

    /// <summary>Creates the regulariser with weight <paramref name="beta"/> (>= 0).</summary>
    public BetaVae(double beta) : this(new BetaVaeOptions { Beta = beta }) { }

    /// <summary>The options.</summary>
    public BetaVaeOptions Options { get; }

    /// <summary>The KL weight.</summary>
    public double Beta => Options.Beta;

    /// <inheritdoc />
    public string Name => "beta-vae";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(LatentBatch latent, long step) =>
        new Dictionary<string, Tensor> { ["beta_kl"] = latent.KlPerDimension.sum(dim: 1).mean().Mul(Beta) };
}
