using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>What one developmental run produced.</summary>
/// <param name="Phenotype">(B, C, H, W) phenotype logits after the last step.</param>
/// <param name="StepsRun">How many steps were run.</param>
/// <param name="CapturedSteps">The steps captured, ascending (0 = the seed state before any step).</param>
/// <param name="Trajectory">One (B, C, H, W) phenotype-logit tensor per captured step, in the order of <paramref name="CapturedSteps"/>.</param>
public sealed record DevelopmentResult(Tensor Phenotype, int StepsRun, IReadOnlyList<int> CapturedSteps, IReadOnlyList<Tensor> Trajectory);
