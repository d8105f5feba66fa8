using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Latent;

/// <summary>Options of the nucleotide latent genome.</summary>
public sealed record NucleotideLatentOptions : IComponentOptions
{
    /// <summary>Gumbel-softmax temperature at step 0 (> 0). Default 1.</summary>
    public double TemperatureStart { get; init; } = 1.0;

    /// <summary>Lowest temperature (> 0, &lt;= TemperatureStart). Default 0.5.</summary>
    public double TemperatureMin { get; init; } = 0.5;

    /// <summary>Exponential decay of the temperature per training step (>= 0). Default 1e-3.</summary>
    public double TemperatureDecay { get; init; } = 1e-3;

    /// <summary>
    /// Straight-through samples: the decoder reads the one-hot of the relaxed sample's largest base, gradients flow as if
    /// it had read the relaxed sample (Jang et al. 2017, sec. 2.2). Default false (relaxed samples).
    /// </summary>
    public bool Hard { get; init; }

    /// <summary>The temperature schedule.</summary>
    public GumbelSchedule Schedule => new() { Start = TemperatureStart, Min = TemperatureMin, DecayRate = TemperatureDecay };

    /// <inheritdoc />
    public void Validate() => Schedule.Validate();
}

/// <summary>
/// The nucleotide latent genome (<c>nucleotide</c>): a DNA sequence of L = <c>latentSize</c> loci. The encoder outputs
/// base logits (B, L, 4), flattened to (B, 4 L) in locus-major order (locus l's A, C, G, T logits at 4l..4l+3); the
/// posterior is an independent categorical distribution over {A, C, G, T} per locus, the prior uniform. Genomes are
/// one-hot rows flattened to (B, 4 L): samples are relaxed (Gumbel-softmax at the scheduled temperature) or, with
/// <see cref="NucleotideLatentOptions.Hard"/>, straight-through one-hot. The deterministic code
/// (<see cref="LatentPosterior.Mean"/>) is the most probable genome, one-hot; <see cref="LatentPosterior.LogVar"/> is
/// the log-variance q (1 - q) of each one-hot indicator. The KL to the prior of a locus, ln 4 - H(q), is split evenly
/// over its four dimensions, so the KL summed over dimensions (what beta weighs) is the KL summed over loci.
/// </summary>
public sealed class NucleotideLatent : LatentGenome
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<NucleotideLatentOptions, LatentContext, LatentGenome> Entry { get; } = new(
        "nucleotide", "DNA of latentSize loci: categorical posterior over ACGT per locus, uniform prior, Gumbel-softmax samples (straight-through with hard).",
        "Jang, Gu and Poole 2017, Categorical reparameterization with Gumbel-softmax (ICLR), eq. 1 and sec. 2.2; Maddison, Mnih and Teh 2017",
        (o, c) => new NucleotideLatent(c.LatentSize, o), "dna");

    /// <summary>Creates a genome of <paramref name="loci"/> loci (1..1024).</summary>
    public NucleotideLatent(int loci, NucleotideLatentOptions? options = null) : base(nameof(NucleotideLatent))
    {
        Guard.InRange(loci, 1, 1024);
        Loci = loci;
        Options = options ?? new NucleotideLatentOptions();
        Options.Validate();
        RegisterComponents();
    }

    /// <summary>Number of loci L.</summary>
    public int Loci { get; }

    /// <summary>The options.</summary>
    public NucleotideLatentOptions Options { get; }

    /// <inheritdoc />
    public override string Kind => "nucleotide";

    /// <inheritdoc />
    public override int Size => 4 * Loci;

    /// <inheritdoc />
    public override int ParameterSize => 4 * Loci;

    /// <summary>The base logits (B, L, 4) of a posterior.</summary>
    public Tensor Logits(LatentPosterior posterior) => posterior.Parameters.view(posterior.Parameters.shape[0], Loci, 4);

    /// <summary>The most probable genome of each posterior: base indices (B, L) int64.</summary>
    public Tensor MostProbable(LatentPosterior posterior) => NucleotideGenome.MostLikely(Logits(posterior));

    /// <summary>Genomes (B, 4 L) as the decoder reads them, from base indices (B, L).</summary>
    public Tensor FromIndices(Tensor indices)
    {
        if (indices.dim() != 2 || indices.shape[1] != Loci)
            throw new UserInputException($"expected base indices of shape (B, {Loci}), got ({string.Join(", ", indices.shape)}).");
        return NucleotideGenome.OneHot(indices).view(indices.shape[0], Size);
    }

    /// <inheritdoc />
    public override LatentPosterior Posterior(Tensor parameters)
    {
        if (parameters.dim() != 2 || parameters.shape[1] != ParameterSize)
            throw new UserInputException($"the nucleotide genome reads (B, {ParameterSize}) base logits (4 per locus), got ({string.Join(", ", parameters.shape)}).");
        long b = parameters.shape[0];
        var logits = parameters.view(b, Loci, 4);
        var q = logits.softmax(-1);                                                        // (B, L, 4)
        var mode = NucleotideGenome.OneHot(NucleotideGenome.MostLikely(logits)).to(parameters.dtype).view(b, Size);
        var logVar = (q * q.RSub(1.0)).ClampMin(1e-12).log().view(b, Size);               // Var of a one-hot indicator: q (1 - q)
        return new LatentPosterior(parameters, mode, logVar);
    }

    /// <inheritdoc />
    public override Tensor Sample(LatentPosterior posterior, Generator? generator, long step)
    {
        var logits = Logits(posterior);
        var relaxed = NucleotideGenome.GumbelSoftmax(logits, Options.Schedule.Temperature(step), generator);   // (B, L, 4)
        if (Options.Hard) relaxed = NucleotideGenome.StraightThrough(relaxed);
        return relaxed.view(logits.shape[0], Size);
    }

    /// <inheritdoc />
    public override Tensor KlPerDimension(LatentPosterior posterior)
    {
        var perLocus = NucleotideGenome.KlToUniform(Logits(posterior));                   // (B, L)
        return perLocus.Div(4.0).unsqueeze(2).expand(-1, -1, 4).reshape(perLocus.shape[0], Size);
    }

    /// <inheritdoc />
    public override Tensor SamplePrior(long count, Generator? generator, Device? device = null) =>
        FromIndices(torch.randint(0, 4, new[] { count, (long)Loci }, dtype: ScalarType.Int64, device: device, generator: generator));
}
