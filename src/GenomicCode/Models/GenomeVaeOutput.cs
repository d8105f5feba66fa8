using static TorchSharp.torch;

namespace GenomicCode.Models;

/// <summary>Everything one forward pass of a genome VAE produces; trainers, metrics and plots read only this.</summary>
/// <param name="Loss">Scalar total loss: reconstruction plus the sum of the regulariser terms.</param>
/// <param name="Reconstruction">Scalar reconstruction term: Bernoulli negative log-likelihood, summed over pixels, mean over the batch.</param>
/// <param name="Kl">Scalar KL(q(g|x) || p(g)) summed over dimensions, mean over the batch (reported whatever the regulariser).</param>
/// <param name="KlPerDimension">(D) KL per latent dimension, mean over the batch.</param>
/// <param name="RegularizerTerms">Named scalar terms added to the loss.</param>
/// <param name="ReconstructionLogits">(B, C, H, W) phenotype logits; a sigmoid gives pixel probabilities.</param>
/// <param name="GenomeSample">(B, D) the sampled genomes.</param>
/// <param name="Mean">(B, D) posterior means.</param>
/// <param name="LogVar">(B, D) posterior log-variances.</param>
public sealed record GenomeVaeOutput(
    Tensor Loss,
    Tensor Reconstruction,
    Tensor Kl,
    Tensor KlPerDimension,
    IReadOnlyDictionary<string, Tensor> RegularizerTerms,
    Tensor ReconstructionLogits,
    Tensor GenomeSample,
    Tensor Mean,
    Tensor LogVar);
