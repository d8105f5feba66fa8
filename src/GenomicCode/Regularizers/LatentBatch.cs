using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>What a regulariser sees of a batch: the posterior, the sample, and the per-dimension KL, all (B, D).</summary>
/// <param name="Mean">Posterior means.</param>
/// <param name="LogVar">Posterior log-variances.</param>
/// <param name="Sample">The reparameterised genome sample fed to the decoder.</param>
/// <param name="KlPerDimension">KL(q(g_j|x) || p(g_j)) per sample and dimension.</param>
public sealed record LatentBatch(Tensor Mean, Tensor LogVar, Tensor Sample, Tensor KlPerDimension);
