using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>
/// Options of DIP-VAE-I. Defaults: disentanglement_lib's dip_vae (Locatello et al. 2019): lambda_od 10 (from its sweep
/// {1, 2, 5, 10, 20, 50}), lambda_d = 10 x lambda_od for type I.
/// </summary>
public sealed record DipVaeIOptions : IComponentOptions
{
    /// <summary>Weight lambda_od of the off-diagonal penalty (>= 0). Default 10.</summary>
    public double LambdaOffDiagonal { get; init; } = 10;

    /// <summary>Weight lambda_d of the diagonal penalty (>= 0). Default 100.</summary>
    public double LambdaDiagonal { get; init; } = 100;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public DipVaeIOptions Validate()
    {
        Guard.NonNegative(LambdaOffDiagonal);
        Guard.NonNegative(LambdaDiagonal);
        return this;
    }
    void IComponentOptions.Validate() => Validate();
}

/// <summary>
/// DIP-VAE-I (Kumar et al. 2018, "Variational inference of disentangled latent concepts from unlabeled observations",
/// sec. 3, eq. for DIP-VAE-I): KL + lambda_od sum_{i != j} C_ij^2 + lambda_d sum_i (C_ii - 1)^2 with C = Cov_batch[mu(x)],
/// the covariance of the posterior means over the batch.
/// </summary>
public sealed class DipVaeI : IRegularizer
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<DipVaeIOptions, RegularizerContext, IRegularizer> Entry { get; } = new(
        "dip-vae-i", "KL + penalties pushing the covariance of the posterior means towards the identity.",
        "Kumar et al. 2018, Variational inference of disentangled latent concepts from unlabeled observations (ICLR), sec. 3 (DIP-VAE-I)",
        (o, _) => new DipVaeI(o));

    /// <summary>Creates the regulariser.</summary>
    public DipVaeI(DipVaeIOptions options) => Options = options.Validate();

    /// <summary>The options.</summary>
    public DipVaeIOptions Options { get; }

    /// <inheritdoc />
    public string Name => "dip-vae-i";

    /// <summary>Batch covariance (1/B) sum_b (x_b - mean)(x_b - mean)^T of (B, D) rows: (D, D).</summary>
    public static Tensor Covariance(Tensor x)
    {
        var centred = x - x.mean(new long[] { 0 }, keepdim: true);   // (B, D)
        return centred.t().matmul(centred).Div(x.shape[0]);            // (D, D)
    }

    /// <summary>(sum_{i != j} C_ij^2, sum_i (C_ii - 1)^2) of a (D, D) matrix.</summary>
    public static (Tensor OffDiagonal, Tensor Diagonal) Penalties(Tensor covariance)
    {
        var diagonal = covariance.diagonal();                         // (D)
        var offDiagonal = covariance.Square().sum() - diagonal.Square().sum();
        return (offDiagonal, diagonal.Sub(1.0).Square().sum());
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(LatentBatch latent, long step)
    {
        var (off, diag) = Penalties(Covariance(latent.Mean));
        return new Dictionary<string, Tensor>
        {
            ["kl"] = latent.KlPerDimension.sum(dim: 1).mean(),
            ["dip_off_diagonal"] = off.Mul(Options.LambdaOffDiagonal),
            ["dip_diagonal"] = diag.Mul(Options.LambdaDiagonal),
        };
    }
}
