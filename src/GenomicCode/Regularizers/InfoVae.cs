using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>
/// Options of InfoVAE. The weights are the paper's alpha and lambda: KL weight (1 - alpha), MMD weight (alpha + lambda - 1);
/// both must be >= 0. disentanglement_lib has no InfoVAE; defaults: alpha 0, lambda 1000 (a VAE plus a strong MMD term)
/// and the inverse multiquadratic kernel with C = 2 D sigma^2, sigma = 1 (Tolstikhin et al. 2018, sec. 4).
/// </summary>
public sealed record InfoVaeOptions : IComponentOptions
{
    /// <summary>alpha (&lt;= 1): KL weight is 1 - alpha. Default 0.</summary>
    public double Alpha { get; init; }

    /// <summary>lambda (alpha + lambda - 1 >= 0): MMD weight is alpha + lambda - 1. Default 1000.</summary>
    public double Lambda { get; init; } = 1000;

    /// <summary>Kernel: <c>imq</c> (inverse multiquadratic) or <c>rbf</c> (Gaussian). Default <c>imq</c>.</summary>
    public string Kernel { get; init; } = "imq";

    /// <summary>Kernel scale sigma (> 0); the kernels use c = 2 D sigma^2. Default 1.</summary>
    public double Scale { get; init; } = 1;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public InfoVaeOptions Validate()
    {
        if (!double.IsFinite(Alpha) || Alpha > 1) throw new UserInputException($"Alpha must be a finite number <= 1 (the KL weight is 1 - Alpha), got {Alpha}.");
        if (!double.IsFinite(Lambda) || Alpha + Lambda - 1 < 0)
            throw new UserInputException($"Lambda must be finite with Alpha + Lambda - 1 >= 0 (the MMD weight), got Alpha {Alpha}, Lambda {Lambda}.");
        if (Kernel is not ("imq" or "rbf")) throw new UserInputException($"Kernel must be 'imq' or 'rbf', got '{Kernel}'.");
        Guard.Positive(Scale);
        return this;
    }
    void IComponentOptions.Validate() => Validate();
}

/// <summary>
/// InfoVAE (Zhao et al. 2019, "InfoVAE: Balancing learning and inference in variational autoencoders", the InfoVAE
/// objective of sec. 3 with the MMD divergence): (1 - alpha) KL(q(z|x) || p(z)) + (alpha + lambda - 1) MMD(q(z), p(z)),
/// MMD between the batch's genome samples and as many draws from the standard-normal prior.
/// </summary>
public sealed class InfoVae : IRegularizer, IDisposable
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<InfoVaeOptions, RegularizerContext, IRegularizer> Entry { get; } = new(
        "info-vae", "(1 - alpha) KL + (alpha + lambda - 1) MMD between q(z) and the prior (RBF or inverse multiquadratic kernel).",
        "Zhao et al. 2019, InfoVAE: Balancing learning and inference in variational autoencoders (AAAI), sec. 3",
        (o, c) => new InfoVae(o, c.Seed, c.Device), "mmd", "mmd-vae");

    private readonly Generator prior;
    private readonly long seed;

    /// <summary>Creates the regulariser; prior draws come from a generator seeded by (seed, step).</summary>
    public InfoVae(InfoVaeOptions options, long seed, Device? device = null)
    {
        Options = options.Validate();
        this.seed = seed;
        prior = new Generator((ulong)(seed & 0x7FFFFFFFFFFFFFFF), device ?? CPU);
    }

    /// <summary>The options.</summary>
    public InfoVaeOptions Options { get; }

    /// <inheritdoc />
    public string Name => "info-vae";

    /// <summary>
    /// Kernel matrix (N, M) between rows of x (N, D) and y (M, D), c = 2 D sigma^2: <c>rbf</c> exp(-|x - y|^2 / c),
    /// <c>imq</c> c / (c + |x - y|^2) (Tolstikhin et al. 2018, sec. 4).
    /// </summary>
    public static Tensor KernelMatrix(Tensor x, Tensor y, string kernel, double scale)
    {
        double c = 2.0 * x.shape[1] * scale * scale;
        var d2 = (x.unsqueeze(1) - y.unsqueeze(0)).Square().sum(dim: 2); // (N, M); no sqrt, so gradients stay finite at 0
        return kernel == "rbf" ? d2.Div(-c).exp() : d2.Add(c).RDiv(c);
    }

    /// <summary>
    /// Biased estimate of the squared MMD (Gretton et al. 2012, "A kernel two-sample test", MMD_b, eq. 5):
    /// mean k(x, x') + mean k(y, y') - 2 mean k(x, y); exactly 0 when the two samples are the same.
    /// </summary>
    public static Tensor Mmd(Tensor x, Tensor y, string kernel, double scale) =>
        KernelMatrix(x, x, kernel, scale).mean().Plus(KernelMatrix(y, y, kernel, scale).mean()) - KernelMatrix(x, y, kernel, scale).mean().Mul(2.0);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(LatentBatch latent, long step)
    {
        prior.manual_seed(Seeds.DeriveNonNegative(seed, 19, step));
        var z = latent.Sample;
        var p = torch.randn(z.shape, dtype: z.dtype, device: z.device, generator: prior); // (B, D) ~ N(0, I)
        return new Dictionary<string, Tensor>
        {
            ["kl"] = latent.KlPerDimension.sum(dim: 1).mean().Mul(1 - Options.Alpha),
            ["mmd"] = Mmd(z, p, Options.Kernel, Options.Scale).Mul(Options.Alpha + Options.Lambda - 1),
        };
    }

    /// <inheritdoc />
    public void Dispose() => prior.Dispose();
}
