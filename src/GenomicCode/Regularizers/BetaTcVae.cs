using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>Options of beta-TCVAE. Defaults: Chen et al. 2018 (alpha = beta = gamma = 1 is a sample estimate of the plain KL).</summary>
public sealed record BetaTcVaeOptions : IBetaOptions
{
    /// <summary>Weight beta of the total correlation (>= 0). Default 1.</summary>
    public double Beta { get; init; } = 1;

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
        Guard.NonNegative(Beta);
        Guard.NonNegative(Alpha);
        Guard.NonNegative(Gamma);
        if (Estimator is not (TotalCorrelation.MinibatchWeighted or TotalCorrelation.MinibatchStratified))
            throw new UserInputException($"Estimator must be '{TotalCorrelation.MinibatchWeighted}' or '{TotalCorrelation.MinibatchStratified}', got '{Estimator}'.");
        if (DatasetSize < 0) throw new UserInputException($"DatasetSize must be >= 0 (0 = the training world's size), got {DatasetSize}.");
        return this;
    }

    void IComponentOptions.Validate() => Validate();

    /// <inheritdoc />
    public IBetaOptions WithBeta(double beta) => this with { Beta = beta };
}

/// <summary>
/// beta-TCVAE (Chen et al. 2018, eq. 4): alpha x MI + beta x TC + gamma x dimension-wise KL, each estimated from the
/// minibatch with <see cref="TotalCorrelation.Decompose"/>. alpha = beta = gamma = 1 is a sample estimate of the plain KL.
/// </summary>
public sealed class BetaTcVae : IRegularizer
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<BetaTcVaeOptions, RegularizerContext, IRegularizer> Entry { get; } = new(
        "beta-tcvae", "KL split into mutual information, total correlation (weight beta) and dimension-wise KL.",
        "Chen et al. 2018, Isolating sources of disentanglement in VAEs (NeurIPS), eq. 4 and sec. 4.1",
        (o, c) => new BetaTcVae(o, c.DatasetSize), "beta-tc");

    /// <summary>Creates the regulariser; the options' dataset size wins over <paramref name="datasetSize"/> when set.</summary>
    public BetaTcVae(BetaTcVaeOptions options, long datasetSize)
    {
        Options = options.Validate();
        DatasetSize = options.DatasetSize > 0 ? options.DatasetSize : datasetSize;
        if (DatasetSize < 1)
            throw new UserInputException("beta-tcvae needs the dataset size: set datasetSize in model.regularizer.options, or pass the world's size when building the model.");
    }

    /// <summary>Weight of the total correlation.</summary>
    public double Beta => Options.Beta;

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
