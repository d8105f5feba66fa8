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
