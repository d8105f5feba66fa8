using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>
/// Options of DIP-VAE-II. Defaults: disentanglement_lib's dip_vae (Locatello et al. 2019): lambda_od 10 (from its sweep
/// {1, 2, 5, 10, 20, 50}), lambda_d = lambda_od for type II.
/// </summary>
public sealed record DipVaeIIOptions : IComponentOptions
{
    /// <summary>Weight lambda_od of the off-diagonal penalty (>= 0). Default 10.</summary>
    public double LambdaOffDiagonal { get; init; } = 10;

    /// <summary>Weight lambda_d of the diagonal penalty (>= 0). Default 10.</summary>
    public double LambdaDiagonal { get; init; } = 10;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public DipVaeIIOptions Validate()
    {
        Guard.NonNegative(LambdaOffDiagonal);
        Guard.NonNegative(LambdaDiagonal);
        return this;
    }
    void IComponentOptions.Validate() => Validate();
}

/// <summary>
/// DIP-VAE-II (Kumar et al. 2018, sec. 3, DIP-VAE-II): the DIP-VAE-I penalties on the covariance of the aggregate
/// posterior, Cov_q(z) = E_batch[diag exp(logVar)] + Cov_batch[mu(x)] (law of total covariance).
/// </summary>
public sealed class DipVaeII : IRegularizer
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<DipVaeIIOptions, RegularizerContext, IRegularizer> Entry { get; } = new(
        "dip-vae-ii", "KL + penalties pushing the covariance of the aggregate posterior q(z) towards the identity.",
        "Kumar et al. 2018, Variational inference of disentangled latent concepts from unlabeled observations (ICLR), sec. 3 (DIP-VAE-II)",
        (o, _) => new DipVaeII(o));

    /// <summary>Creates the regulariser.</summary>
    public DipVaeII(DipVaeIIOptions options) => Options = options.Validate();

    /// <summary>The options.</summary>
    public DipVaeIIOptions Options { get; }

    /// <inheritdoc />
    public string Name => "dip-vae-ii";

    /// <summary>Cov_q(z) = diag(mean_b exp(logVar_b)) + Cov_batch[mean]: (D, D).</summary>
    public static Tensor AggregateCovariance(Tensor mean, Tensor logVar) =>
        DipVaeI.Covariance(mean).Plus(torch.diag(logVar.exp().mean(new long[] { 0 })));

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(LatentBatch latent, long step)
    {
        var (off, diag) = DipVaeI.Penalties(AggregateCovariance(latent.Mean, latent.LogVar));
        return new Dictionary<string, Tensor>
        {
            ["kl"] = latent.KlPerDimension.sum(dim: 1).mean(),
            ["dip_off_diagonal"] = off.Mul(Options.LambdaOffDiagonal),
            ["dip_diagonal"] = diag.Mul(Options.LambdaDiagonal),
        };
    }
}
