using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>
/// Options of FactorVAE. Defaults: disentanglement_lib's factor_vae (Locatello et al. 2019) and Kim and Mnih 2018,
/// appendix: discriminator of 6 hidden layers of 1000 units (leaky ReLU 0.2), Adam 1e-4 with beta1 0.5, beta2 0.9.
/// </summary>
public sealed record FactorVaeOptions : IComponentOptions
{
    /// <summary>Weight gamma of the total correlation (>= 0). Default 10.</summary>
    public double Gamma { get; init; } = 10;

    /// <summary>Hidden layers of the discriminator (1..16). Default 6.</summary>
    public int DiscriminatorLayers { get; init; } = 6;

    /// <summary>Units per hidden layer (1..8192). Default 1000.</summary>
    public int DiscriminatorWidth { get; init; } = 1000;

    /// <summary>Discriminator Adam learning rate (> 0). Default 1e-4.</summary>
    public double DiscriminatorLearningRate { get; init; } = 1e-4;

    /// <summary>Discriminator Adam beta1 in [0, 1). Default 0.5.</summary>
    public double DiscriminatorBeta1 { get; init; } = 0.5;

    /// <summary>Discriminator Adam beta2 in [0, 1). Default 0.9.</summary>
    public double DiscriminatorBeta2 { get; init; } = 0.9;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public FactorVaeOptions Validate()
    {
        Guard.NonNegative(Gamma);
        Guard.InRange(DiscriminatorLayers, 1, 16);
        Guard.InRange(DiscriminatorWidth, 1, 8192);
        Guard.Positive(DiscriminatorLearningRate);
        if (!(DiscriminatorBeta1 >= 0 && DiscriminatorBeta1 < 1)) throw new UserInputException($"DiscriminatorBeta1 must be in [0, 1), got {DiscriminatorBeta1}.");
        if (!(DiscriminatorBeta2 >= 0 && DiscriminatorBeta2 < 1)) throw new UserInputException($"DiscriminatorBeta2 must be in [0, 1), got {DiscriminatorBeta2}.");
        return this;
    }
    void IComponentOptions.Validate() => Validate();
}

/// <summary>
/// FactorVAE (Kim and Mnih 2018, "Disentangling by factorising", eq. 2): KL + gamma x TC(q(z)), the total correlation
/// estimated by the density-ratio trick (eq. 3): TC ~ E[log D(z) / (1 - D(z))] = E[logit_real - logit_permuted] for a
/// discriminator D that tells samples of q(z) from samples of prod_j q(z_j), which are made by permuting each dimension
/// across a second batch (Algorithm 1, permute_dims). The discriminator and its Adam live here; the model's optimiser
/// never sees them (they are not part of the model's parameters).
/// </summary>
public sealed class FactorVae : IAdversarialRegularizer, IStatefulRegularizer, IDisposable
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<FactorVaeOptions, RegularizerContext, IRegularizer> Entry { get; } = new(
        "factor-vae", "KL + gamma x total correlation estimated by a discriminator of q(z) against its dimension-wise permutation.",
        "Kim and Mnih 2018, Disentangling by factorising (ICML), eq. 2-3 and Algorithm 1",
        (o, c) => new FactorVae(c.LatentSize, o, c.Seed, c.Device));

    private readonly Sequential discriminator;
    private readonly Adam optimizer;
    private readonly Generator permutation;
    private readonly long seed;

    /// <summary>Builds the discriminator (initialised from torch's default generator) on <paramref name="device"/>.</summary>
    public FactorVae(int latentSize, FactorVaeOptions options, long seed, Device? device = null)
    {
        Guard.InRange(latentSize, 1, 1_000_000);
        Options = options.Validate();
        this.seed = seed;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int inputs = latentSize;
        for (int i = 0; i < options.DiscriminatorLayers; i++)
        {
            layers.Add(($"linear{i}", nn.Linear(inputs, options.DiscriminatorWidth)));
            layers.Add(($"act{i}", new LeakyRelu(0.2)));
            inputs = options.DiscriminatorWidth;
        }
        layers.Add(("logits", nn.Linear(inputs, 2))); // (B, 2): class 0 = sample of q(z), class 1 = permuted
        discriminator = nn.Sequential(layers);
        device ??= CPU;
        discriminator.to(device);
        optimizer = new HeldScalarOptimizers.Adam(discriminator.parameters(), options.DiscriminatorLearningRate, options.DiscriminatorBeta1, options.DiscriminatorBeta2);
        permutation = new Generator((ulong)(seed & 0x7FFFFFFFFFFFFFFF), device);
    }

    /// <summary>The options.</summary>
    public FactorVaeOptions Options { get; }

    /// <summary>The discriminator: genomes (B, D) to logits (B, 2).</summary>
    public nn.Module<Tensor, Tensor> Discriminator => discriminator;

    /// <inheritdoc />
    public string Name => "factor-vae";

    /// <summary>
    /// permute_dims (Kim and Mnih 2018, Algorithm 1): each column of (B, D) reordered by its own random permutation of
    /// the batch, which keeps every marginal and breaks the dependence between dimensions.
    /// </summary>
    public static Tensor PermuteDimensions(Tensor z, Generator generator)
    {
        var order = torch.rand(z.shape, generator: generator, device: z.device).argsort(dim: 0); // (B, D)
        return z.gather(0, order);
    }

    /// <summary>The discriminator's estimate of the total correlation of a batch: mean(logit_real - logit_permuted).</summary>
    public Tensor EstimateTotalCorrelation(Tensor z)
    {
        var logits = discriminator.forward(z);                        // (B, 2)
        return (logits.select(1, 0) - logits.select(1, 1)).mean();
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(LatentBatch latent, long step) => new Dictionary<string, Tensor>
    {
        ["kl"] = latent.KlPerDimension.sum(dim: 1).mean(),
        ["gamma_tc"] = EstimateTotalCorrelation(latent.Sample).Mul(Options.Gamma),
    };

    /// <summary>
    /// Discriminator step (Kim and Mnih 2018, Algorithm 1): cross-entropy 0.5 (CE(D(z), real) + CE(D(permute(z')), permuted)).
    /// </summary>
    public IReadOnlyDictionary<string, double> Update(Tensor first, Tensor second, long step)
    {
        using var scope = torch.NewDisposeScope();
        permutation.manual_seed(Seeds.DeriveNonNegative(seed, 17, step));
        var real = first.detach();
        var fake = PermuteDimensions(second.detach(), permutation);
        optimizer.zero_grad();
        var logitsReal = discriminator.forward(real);                 // (B, 2)
        var logitsFake = discriminator.forward(fake);                 // (B, 2)
        var zeros = torch.zeros(real.shape[0], dtype: ScalarType.Int64, device: real.device);
        var ones = torch.ones(fake.shape[0], dtype: ScalarType.Int64, device: fake.device);
        var loss = nn.functional.cross_entropy(logitsReal, zeros).Plus(nn.functional.cross_entropy(logitsFake, ones)).Mul(0.5);
        loss.backward();
        optimizer.step();
        double accuracy = 0.5 * (logitsReal.argmax(1).eq(zeros).to(ScalarType.Float32).mean().item<float>()
                               + logitsFake.argmax(1).eq(ones).to(ScalarType.Float32).mean().item<float>());
        return new Dictionary<string, double> { ["discriminator_loss"] = loss.item<float>(), ["discriminator_accuracy"] = accuracy };
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer)
    {
        discriminator.save(writer);
        optimizer.save_state_dict(writer);
    }

    /// <inheritdoc />
    public void LoadState(BinaryReader reader)
    {
        discriminator.load(reader, strict: true);
        optimizer.load_state_dict(reader);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        optimizer.Dispose();
        discriminator.Dispose();
        permutation.Dispose();
    }
}
