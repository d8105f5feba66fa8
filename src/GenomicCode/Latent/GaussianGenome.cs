using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Latent;

/// <summary>
/// The continuous latent genome: a diagonal Gaussian posterior q(g|x) = N(mean, exp(logVar)) per individual, with a
/// standard-normal prior p(g) = N(0, I).
/// </summary>
public static class GaussianGenome
{
    /// <summary>
    /// Reparameterised sample g = mean + exp(logVar / 2) * eps, eps ~ N(0, I) (Kingma and Welling 2014, eq. 10),
    /// drawn from <paramref name="generator"/> so the run seed fixes it.
    /// </summary>
    public static Tensor Sample(Tensor mean, Tensor logVar, Generator? generator)
    {
        var eps = torch.randn(mean.shape, dtype: mean.dtype, device: mean.device, generator: generator);
        return mean.Plus(logVar.Mul(0.5).exp() * eps);
    }

    /// <summary>
    /// KL(N(mean, exp(logVar)) || N(0, 1)) per sample and dimension: 0.5 (mean^2 + exp(logVar) - logVar - 1)
    /// (Kingma and Welling 2014, appendix B). Shape (B, D) in, (B, D) out.
    /// </summary>
    public static Tensor KlToStandardNormal(Tensor mean, Tensor logVar) =>
        (mean.Square().Plus(logVar.exp()) - logVar).Sub(1.0).Mul(0.5);
}

/// <summary>
/// The Gaussian genome as a model component (<c>gaussian</c>): D = <c>latentSize</c> dimensions; the encoder outputs
/// 2D numbers, the first D the posterior means and the last D the log-variances (Kingma and Welling 2014, sec. 3).
/// </summary>
public sealed class GaussianLatent : LatentGenome
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<NoOptions, LatentContext, LatentGenome> Entry { get; } = new(
        "gaussian", "diagonal Gaussian posterior N(mean, exp(logVar)), standard-normal prior, reparameterised samples.",
        "Kingma and Welling 2014, Auto-encoding variational Bayes (ICLR), sec. 3, eq. 10 and appendix B",
        (_, c) => new GaussianLatent(c.LatentSize), "normal");

    private readonly int size;

    /// <summary>Creates a genome of <paramref name="size"/> dimensions (1..1024).</summary>
    public GaussianLatent(int size) : base(nameof(GaussianLatent))
    {
        Guard.InRange(size, 1, 1024);
        this.size = size;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string Kind => "gaussian";

    /// <inheritdoc />
    public override int Size => size;

    /// <inheritdoc />
    public override int ParameterSize => 2 * size;

    /// <inheritdoc />
    public override LatentPosterior Posterior(Tensor parameters)
    {
        if (parameters.dim() != 2 || parameters.shape[1] != ParameterSize)
            throw new UserInputException($"the Gaussian genome reads (B, {ParameterSize}) posterior parameters, got ({string.Join(", ", parameters.shape)}).");
        var parts = parameters.chunk(2, dim: 1);   // 2 x (B, D): means, log-variances
        return new LatentPosterior(parameters, parts[0], parts[1]);
    }

    /// <inheritdoc />
    public override Tensor Sample(LatentPosterior posterior, Generator? generator, long step) =>
        GaussianGenome.Sample(posterior.Mean, posterior.LogVar, generator);

    /// <inheritdoc />
    public override Tensor KlPerDimension(LatentPosterior posterior) => GaussianGenome.KlToStandardNormal(posterior.Mean, posterior.LogVar);

    /// <inheritdoc />
    public override Tensor SamplePrior(long count, Generator? generator, Device? device = null) =>
        torch.randn(new[] { count, (long)size }, generator: generator, device: device);
}
