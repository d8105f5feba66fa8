namespace GenomicCode.Training;

/// <summary>Plain numbers from one training step (no tensors), for logs, callbacks and plots.</summary>
/// <param name="Step">The step just completed (1-based).</param>
/// <param name="Loss">Total loss.</param>
/// <param name="Reconstruction">Reconstruction term.</param>
/// <param name="Kl">KL to the prior, summed over dimensions.</param>
/// <param name="KlPerDimension">KL per latent dimension.</param>
/// <param name="Terms">Named regulariser terms.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="StepSeconds">Wall time of the step.</param>
public sealed record StepMetrics(
    long Step,
    double Loss,
    double Reconstruction,
    double Kl,
    double[] KlPerDimension,
    IReadOnlyDictionary<string, double> Terms,
    double GradNorm,
    double StepSeconds);
