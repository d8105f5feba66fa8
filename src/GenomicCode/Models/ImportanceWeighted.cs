using GenomicCode.Core;
using GenomicCode.Latent;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Models;

/// <summary>An importance-weighted estimate of the log-likelihood of held-out images, in nats per image.</summary>
/// <param name="MeanNats">Mean over the images of the bound L_K, in nats per image.</param>
/// <param name="StandardError">Standard error of that mean: sample standard deviation of the per-image bounds / sqrt(n); 0 for one image.</param>
/// <param name="ImportanceSamples">K, the importance samples per image.</param>
/// <param name="PerImage">The bound of each image, in order.</param>
public sealed record LogLikelihoodEstimate(double MeanNats, double StandardError, int ImportanceSamples, IReadOnlyList<double> PerImage)
{
    /// <summary>Images the mean is over.</summary>
    public int Images => PerImage.Count;
}

/// <summary>
/// The importance-weighted lower bound on log p(x) of a genome VAE (Burda, Grosse and Salakhutdinov 2016, "Importance
/// weighted autoencoders", ICLR, eq. 8): L_K(x) = log (1/K) sum_k p(x, z_k) / q(z_k | x) with z_1..z_K drawn from the
/// posterior q(z | x). L_1 is a one-sample estimate of the ELBO; L_K rises with K towards log p(x). The likelihood
/// p(x | z) is the model's own, the Bernoulli the trainer's reconstruction term uses (<see cref="GenomeVae.Forward"/>):
/// log p(x | z) = -sum over pixels of binary_cross_entropy_with_logits(logits, x). With grey targets in (0, 1) that
/// sum is not a normalised density (the continuous Bernoulli's normaliser is missing), so the number is only a
/// log-likelihood on binary images. A decoder with developmental randomness (update masks, noise) draws it from the same
/// generator for each sample: the bound is then over (z, randomness) jointly, whose prior terms cancel in the weight.
/// Only the Gaussian genome (posterior N(mean, exp(logVar)), prior N(0, I)) has the densities this needs.
/// </summary>
public static class ImportanceWeighted
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>
    /// log N(z; mean, exp(logVar)) summed over the last dimension: -0.5 sum_d (log 2 pi + logVar_d + (z_d - mean_d)^2 / exp(logVar_d)).
    /// Shapes broadcast; the result drops the last dimension.
    /// </summary>
    public static Tensor LogNormal(Tensor z, Tensor mean, Tensor logVar) =>
        z.sub(mean).Square().mul(logVar.neg().exp()).Plus(logVar).Add(Log2Pi).sum(-1).Mul(-0.5);

    /// <summary>L_K from log-weights (K, B): logsumexp over the K samples minus log K, per image (B) (Burda et al. 2016, eq. 8).</summary>
    public static Tensor Bound(Tensor logWeights) => torch.logsumexp(logWeights, 0).Sub(Math.Log(logWeights.shape[0]));

    /// <summary>
    /// log p(x | z_k) + log p(z_k) - log q(z_k | x) for K posterior samples of each image of a batch (B, C, H, W): (K, B),
    /// without gradients. Posterior noise and the decoder's randomness come from <paramref name="generator"/>.
    /// </summary>
    public static Tensor LogWeights(GenomeVae model, Tensor images, int samples, Generator generator)
    {
        if (model.Latent is not GaussianLatent)
            throw new UserInputException($"the importance-weighted log-likelihood needs the gaussian genome (its posterior and prior densities); this run's genome is {model.Latent.Kind}.");
        if (samples < 1) throw new UserInputException($"importance samples must be >= 1, got {samples}.");
        using var _ = torch.no_grad();
        long b = images.shape[0];
        var posterior = model.Posterior(images);                                                        // (B, D) mean and log-variance
        var mean = posterior.Mean;
        var logVar = posterior.LogVar;
        long d = mean.shape[1];
        var eps = torch.randn(new long[] { samples, b, d }, dtype: mean.dtype, device: mean.device, generator: generator);
        var z = eps.mul(logVar.Mul(0.5).exp()).Plus(mean);                                              // (K, B, D)
        var logQ = LogNormal(z, mean, logVar);                                                          // (K, B)
        var logP = LogNormal(z, torch.zeros_like(mean), torch.zeros_like(logVar));                      // (K, B): prior N(0, I)
        var logits = model.Decoder.Decode(z.view(samples * b, d), generator);                           // (K B, C, H, W)
        var targets = images.unsqueeze(0).expand(samples, -1, -1, -1, -1).reshape(logits.shape);
        var logPx = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None)
            .flatten(1).sum(1).neg().view(samples, b);                                                  // (K, B)
        return logPx.Plus(logP).sub(logQ);
    }

    /// <summary>
    /// L_K for <paramref name="count"/> images, read in batches by <paramref name="images"/>(start, n) (a tensor (n, C, H, W)
    /// on the model's device). Each batch holds at most <paramref name="elements"/> image-samples (at least one image),
    /// split into chunks of samples when K alone exceeds it, and runs in its own dispose scope. Posterior noise and
    /// developmental randomness come from a generator seeded with <paramref name="seed"/> on <paramref name="device"/>.
    /// </summary>
    public static LogLikelihoodEstimate Estimate(GenomeVae model, Func<int, int, Tensor> images, int count, int samples, long seed,
        Device device, int elements = 512, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        if (count < 1) throw new UserInputException($"the log-likelihood needs at least one image, got {count}.");
        if (samples < 1) throw new UserInputException($"importance samples must be >= 1, got {samples}.");
        if (elements < 1) throw new UserInputException($"elements per batch must be >= 1, got {elements}.");
        bool training = model.training;
        model.eval();
        try
        {
            using var generator = new Generator((ulong)seed, device);
            int perBatch = Math.Max(1, elements / samples);
            int chunk = Math.Min(samples, elements);
            var bounds = new List<double>(count);
            for (int start = 0; start < count; start += perBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(perBatch, count - start);
                using var scope = torch.NewDisposeScope();
                var x = images(start, n);
                if (x.shape[0] != n) throw new UserInputException($"asked for {n} images from {start}, got {x.shape[0]}.");
                var parts = new List<Tensor>();
                for (int k = 0; k < samples; k += chunk) parts.Add(LogWeights(model, x, Math.Min(chunk, samples - k), generator));
                var bound = Bound(torch.cat(parts, 0));                                                // (n)
                bounds.AddRange(bound.to(ScalarType.Float64).cpu().data<double>().ToArray());
                progress?.Report(start + n);
            }
            double meanNats = bounds.Average();
            double se = bounds.Count < 2 ? 0 : Math.Sqrt(bounds.Sum(v => (v - meanNats) * (v - meanNats)) / (bounds.Count - 1) / bounds.Count);
            return new LogLikelihoodEstimate(meanNats, se, samples, bounds);
        }
        finally
        {
            model.train(training);
        }
    }
}
