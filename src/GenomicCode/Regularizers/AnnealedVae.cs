using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>Options of the capacity-annealed VAE. Defaults: disentanglement_lib's annealed_vae (Locatello et al. 2019).</summary>
public sealed record AnnealedVaeOptions : IComponentOptions
{
    /// <summary>Weight gamma of |KL - C| (>= 0). Default 1000.</summary>
    public double Gamma { get; init; } = 1000;

    /// <summary>Final capacity C_max in nats (>= 0). Default 25.</summary>
    public double CapacityMax { get; init; } = 25;

    /// <summary>Steps N over which C rises linearly from 0 to C_max (>= 1). Default 100000.</summary>
    public long CapacitySteps { get; init; } = 100_000;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public AnnealedVaeOptions Validate()
    {
        Guard.NonNegative(Gamma);
        Guard.NonNegative(CapacityMax);
        if (CapacitySteps < 1) throw new UserInputException($"CapacitySteps (the annealing length N) must be >= 1, got {CapacitySteps}.");
        return this;
    }
    void IComponentOptions.Validate() => Validate();
}

/// <summary>
/// Capacity-annealed VAE (Burgess et al. 2018, "Understanding disentangling in beta-VAE", eq. 8):
/// gamma x |KL(q(g|x) || p(g)) - C(step)| with C(step) = C_max x min(1, step / N); KL summed over dimensions and averaged
/// over the batch.
/// </summary>
public sealed class AnnealedVae : IRegularizer
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<AnnealedVaeOptions, RegularizerContext, IRegularizer> Entry { get; } = new(
        "annealed-vae", "gamma x |KL - C(step)|, the capacity C rising linearly to C_max over N steps.",
        "Burgess et al. 2018, Understanding disentangling in beta-VAE (arXiv 1804.03599), eq. 8",
        (o, _) => new AnnealedVae(o), "capacity-vae");

    /// <summary>Creates the regulariser.</summary>
    public AnnealedVae(AnnealedVaeOptions options) => Options = options.Validate();

    /// <summary>The options.</summary>
    public AnnealedVaeOptions Options { get; }

    /// <inheritdoc />
    public string Name => "annealed-vae";

    /// <summary>The capacity C(step) in nats.</summary>
    public double Capacity(long step) => Options.CapacityMax * Math.Min(1.0, (double)step / Options.CapacitySteps);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(LatentBatch latent, long step)
    {
        var kl = latent.KlPerDimension.sum(dim: 1).mean();
        return new Dictionary<string, Tensor> { ["capacity_kl"] = kl.Sub(Capacity(step)).abs().Mul(Options.Gamma) };
    }
}
