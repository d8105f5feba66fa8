using GenomicCode.Core;

namespace GenomicCode.Metrics;

/// <summary>
/// Sample sizes and settings shared by the metrics. Every default is disentanglement_lib's (Locatello et al. 2019,
/// evaluation/metrics/*.py and the gin configs of its study) and is pinned by a test, so scores do not drift silently.
/// </summary>
public sealed record MetricOptions
{
    /// <summary>Training points (1..10^7). Default 10000 (all metrics).</summary>
    public int NumTrain { get; init; } = 10000;

    /// <summary>Held-out points (1..10^7). Default 5000 (BetaVAE, FactorVAE, DCI, SAP, modularity/explicitness).</summary>
    public int NumTest { get; init; } = 5000;

    /// <summary>Observations per vote of the BetaVAE and FactorVAE scores (2..10^5). Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Observations that estimate each code's global variance for the FactorVAE score (2..10^7). Default 10000.</summary>
    public int NumVarianceEstimate { get; init; } = 10000;

    /// <summary>Equal-width histogram bins per code dimension for MIG and modularity (2..10^4). Default 20.</summary>
    public int Bins { get; init; } = 20;

    /// <summary>FactorVAE score: codes with global standard deviation below this are pruned as collapsed (>= 0). Default 0.05.</summary>
    public double PruneThreshold { get; init; } = 0.05;

    /// <summary>DCI: boosting stages per factor (1..10^4; one tree per class per stage). Default 100 (scikit-learn GradientBoostingClassifier).</summary>
    public int DciTrees { get; init; } = 100;

    /// <summary>
    /// DCI: leaves of a full tree, a power of two 2..1024; trees are grown depth-first to depth log2(DciLeaves), as
    /// scikit-learn's max_depth. Default 8 (max_depth = 3).
    /// </summary>
    public int DciLeaves { get; init; } = 8;

    /// <summary>DCI: boosting learning rate (0, 1]. Default 0.1 (scikit-learn).</summary>
    public double DciLearningRate { get; init; } = 0.1;

    /// <summary>UDR: a latent is active when its mean KL to the prior exceeds this (>= 0). Default 0.01 (Duan et al. 2020).</summary>
    public double UdrKlThreshold { get; init; } = 0.01;

    /// <summary>
    /// UDR: how latents of two models are related, <c>lasso</c> (absolute lasso coefficients, alpha 0.1, on standardised
    /// codes) or <c>spearman</c> (absolute Spearman correlations). Default <c>lasso</c> (disentanglement_lib's udr.py).
    /// </summary>
    public string UdrCorrelation { get; init; } = "lasso";

    /// <summary>DCI tree depth: log2 of <see cref="DciLeaves"/>.</summary>
    internal int DciDepth => System.Numerics.BitOperations.Log2((uint)DciLeaves);

    /// <summary>Throws a one-line error naming the first bad field.</summary>
    public MetricOptions Validate()
    {
        Guard.InRange(NumTrain, 1, 1e7);
        Guard.InRange(NumTest, 1, 1e7);
        Guard.InRange(BatchSize, 2, 1e5);
        Guard.InRange(NumVarianceEstimate, 2, 1e7);
        Guard.InRange(Bins, 2, 1e4);
        Guard.NonNegative(PruneThreshold);
        Guard.InRange(DciTrees, 1, 1e4);
        Guard.InRange(DciLeaves, 2, 1024);
        if (!System.Numerics.BitOperations.IsPow2(DciLeaves))
            throw new UserInputException($"DciLeaves must be a power of two (trees grow to depth log2 of it), got {DciLeaves}; use 8 for depth 3.");
        Guard.InRange(DciLearningRate, 1e-9, 1);
        Guard.NonNegative(UdrKlThreshold);
        if (UdrCorrelation is not ("lasso" or "spearman"))
            throw new UserInputException($"UdrCorrelation must be 'lasso' or 'spearman', got '{UdrCorrelation}'.");
        return this;
    }
}
