using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;

namespace GenomicCode.Metrics;

/// <summary>
/// What every metric that samples codes reads: how many training points. Each metric's options record derives from this
/// one (or from <see cref="HeldOutMetricOptions"/>) and adds its own fields. Every default is disentanglement_lib's
/// (Locatello et al. 2019, evaluation/metrics/*.py and the gin configs of its study) and is pinned by a test, so scores
/// do not drift silently.
/// </summary>
public abstract record SampledMetricOptions : IComponentOptions
{
    /// <summary>Training points (1..10^7). Default 10000 (all metrics).</summary>
    [JsonPropertyOrder(-2)]
    public int NumTrain { get; init; } = 10000;

    /// <summary>Throws a one-line error naming the first bad field.</summary>
    public virtual void Validate() => Guard.InRange(NumTrain, 1, 1e7);
}

/// <summary>The sample sizes of a metric that also scores held-out points.</summary>
public abstract record HeldOutMetricOptions : SampledMetricOptions
{
    /// <summary>Held-out points (1..10^7). Default 5000 (BetaVAE, FactorVAE, DCI, SAP, modularity/explicitness).</summary>
    [JsonPropertyOrder(-2)]
    public int NumTest { get; init; } = 5000;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Guard.InRange(NumTest, 1, 1e7);
    }
}

/// <summary>The options of a metric whose points are votes, each from a batch of observations (BetaVAE, FactorVAE scores).</summary>
public abstract record VoteMetricOptions : HeldOutMetricOptions
{
    /// <summary>Observations per vote (2..10^5). Default 64.</summary>
    [JsonPropertyOrder(-1)]
    public int BatchSize { get; init; } = 64;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Guard.InRange(BatchSize, 2, 1e5);
    }
}

/// <summary>
/// Sample sizes given for a whole evaluation (the CLI's <c>--num-train</c>, <c>--num-test</c>, <c>--num-votes</c>), applied to
/// each metric's own options; null keeps a metric's own value.
/// </summary>
public sealed record MetricSampleSizes
{
    /// <summary>Training points of every metric, and the global-variance sample of the FactorVAE score.</summary>
    public int? NumTrain { get; init; }

    /// <summary>Held-out points of every metric that has them.</summary>
    public int? NumTest { get; init; }

    /// <summary>Training votes of the vote metrics (BetaVAE, FactorVAE); their held-out votes are half as many (at least 2).</summary>
    public int? NumVotes { get; init; }

    /// <summary>The options with these sizes applied (validated).</summary>
    public IComponentOptions ApplyTo(IComponentOptions options)
    {
        if (options is FactorVaeScoreOptions factor && NumTrain is int variance) options = factor with { NumVarianceEstimate = variance };
        if (options is SampledMetricOptions sampled && NumTrain is int train) options = sampled with { NumTrain = train };
        if (options is HeldOutMetricOptions heldOut && NumTest is int test) options = heldOut with { NumTest = test };
        if (options is VoteMetricOptions vote && NumVotes is int votes) options = vote with { NumTrain = votes, NumTest = Math.Max(2, votes / 2) };
        options.Validate();
        return options;
    }
}

/// <summary>
/// Options of UDR (<see cref="Udr"/>), which compares several models instead of scoring one against factors. Defaults:
/// disentanglement_lib's udr.py (Duan et al. 2020).
/// </summary>
public sealed record UdrOptions : IComponentOptions
{
    /// <summary>Observations every model encodes (2..10^7). Default 1000.</summary>
    public int Points { get; init; } = Udr.DefaultPoints;

    /// <summary>A latent is active when its mean KL to the prior exceeds this (>= 0). Default 0.01.</summary>
    public double KlThreshold { get; init; } = 0.01;

    /// <summary>
    /// How latents of two models are related: <c>lasso</c> (absolute lasso coefficients, alpha 0.1, on standardised codes)
    /// or <c>spearman</c> (absolute Spearman correlations). Default <c>lasso</c> (disentanglement_lib's udr.py).
    /// </summary>
    public string Correlation { get; init; } = Udr.Lasso;

    /// <summary>Throws a one-line error naming the first bad field.</summary>
    public void Validate()
    {
        Guard.InRange(Points, 2, 1e7);
        Guard.NonNegative(KlThreshold);
        if (Correlation is not (Udr.Lasso or Udr.Spearman))
            throw new UserInputException($"UDR correlation must be '{Udr.Lasso}' or '{Udr.Spearman}', got '{Correlation}'.");
    }
}
