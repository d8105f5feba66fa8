using GenomicCode.Core;
using GenomicCode.Numerics;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>Options of beta-TCVAE (its beta is <see cref="Models.ModelOptions.Beta"/>). Defaults: Chen et al. 2018.</summary>
public sealed record BetaTcVaeOptions
{
    /// <summary>Weight alpha of the index-code mutual information (>= 0). Default 1.</summary>
    public double Alpha { get; init; } = 1;

    /// <summary>Weight gamma of the dimension-wise KL (>= 0). Default 1.</summary>
    public double Gamma { get; init; } = 1;

    /// <summary>Estimator of q(z): <c>mws</c> (minibatch-weighted) or <c>mss</c> (minibatch-stratified). Default <c>mws</c>.</summary>
    public string Estimator { get; init; } = TotalCorrelation.MinibatchWeighted;

    /// <summary>Dataset size N for the estimators; 0 takes the size of the world being trained on. Default 0.</summary>
    public long DatasetSize { get; init; }

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public BetaTcVaeOptions Validate()
    {
        Guard.NonNegative(Alpha);
        Guard.NonNegative(Gamma);
        if (Estimator is not (TotalCorrelation.MinibatchWeighted or TotalCorrelation.MinibatchStratified))
            throw new UserInputException($"Estimator must be '{TotalCorrelation.MinibatchWeighted}' or '{TotalCorrelation.MinibatchStratified}', got '{Estimator}'.");
        if (DatasetSize < 0) throw new UserInputException($"DatasetSize must be >= 0 (0 = the training world's size), got {DatasetSize}.");
        return this;
    }
}

/// <summary>
/// beta-TCVAE (Chen et al. 2018, eq. 4): alpha x MI + beta x TC + gamma x dimension-wise KL, each estimated from the
/// minibatch with <see cref="TotalCorrelation.Decompose"/>. alpha = beta = gamma = 1 is a sample estimate of the plain KL.
/// </summary>
public sealed class BetaTcVae : IRegularizer
{
    internal static RegularizerEntry Entry { get; } = new(
        "beta-tcvae", new[] { "beta-tc" }, "KL split into mutual information, total correlation (weight beta) and dimension-wise KL.",
        "Chen et al. 2018, Isolating sources of disentanglement in VAEs (NeurIPS), eq. 4 and sec. 4.1",
        UsesBeta: true, OptionsKey: "betaTcVae", (o, c) => new BetaTcVae(o.Beta, o.RegularizerOptions.BetaTcVae, c.DatasetSize));

    /// <summary>Creates the regulariser; the options' dataset size wins over <paramref name="datasetSize"/> when set.</summary>
    public BetaTcVae(double beta, BetaTcVaeOptions options, long datasetSize)
    {
        Guard.NonNegative(beta);
        Beta = beta;
        Options = options.Validate();
        DatasetSize = options.DatasetSize > 0 ? options.DatasetSize : datasetSize;
        if (DatasetSize < 1)
            throw new UserInputException("beta-tcvae needs the dataset size: set model.regularizerOptions.betaTcVae.datasetSize, or pass the world's size when building the model.");
    }

    /// <summary>Weight of the total correlation.</summary>
    public double Beta { get; }

    /// <summary>The options.</summary>
    public BetaTcVaeOptions Options { get; }

    /// <summary>Dataset size N used by the estimator.</summary>
    public long DatasetSize { get; }

    /// <inheritdoc />
    public string Name => "beta-tcvae";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(LatentBatch latent, long step)
    {
        var d = TotalCorrelation.Decompose(latent.Sample, latent.Mean, latent.LogVar, DatasetSize, Options.Estimator);
        return new Dictionary<string, Tensor>
        {
            ["alpha_mi"] = d.MutualInformation.Mul(Options.Alpha),
            ["beta_tc"] = d.TotalCorrelation.Mul(Beta),
            ["gamma_dwkl"] = d.DimensionWiseKl.Mul(Options.Gamma),
        };
    }
}
