using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenomicCode.Latent;

/// <summary>
/// A free (non-amortised) posterior over nucleotide genomes for a fixed set of individuals: learnable logits (N, L, 4),
/// sampled with the Gumbel-softmax relaxation on a temperature schedule, with its KL to the uniform prior.
/// </summary>
public sealed class NucleotidePosterior : nn.Module
{
    private readonly Parameter logits;

    /// <summary>Creates logits for <paramref name="individuals"/> genomes of the layout, initialised N(0, initScale^2) from torch's default generator.</summary>
    public NucleotidePosterior(NucleotideLayout layout, int individuals, GumbelSchedule? schedule = null, double initScale = 0.01) : base(nameof(NucleotidePosterior))
    {
        Layout = layout.Validate();
        Schedule = (schedule ?? new GumbelSchedule()).Validate();
        Guard.InRange(individuals, 1, 1_000_000);
        Guard.NonNegative(initScale);
        logits = nn.Parameter(torch.randn(individuals, layout.Length, 4).Mul(initScale));
        RegisterComponents();
    }

    /// <summary>The genome layout.</summary>
    public NucleotideLayout Layout { get; }

    /// <summary>The Gumbel temperature schedule.</summary>
    public GumbelSchedule Schedule { get; }

    /// <summary>The logits (N, L, 4).</summary>
    public Parameter Logits => logits;

    /// <summary>A relaxed one-hot sample (N, L, 4) at the schedule's temperature for <paramref name="step"/>.</summary>
    public Tensor Sample(long step, Generator? generator) => NucleotideGenome.GumbelSoftmax(logits, Schedule.Temperature(step), generator);

    /// <summary>KL(q || Uniform) summed over positions, per individual: (N).</summary>
    public Tensor Kl() => NucleotideGenome.KlToUniform(logits).sum(dim: 1);

    /// <summary>Sets the logits from hard sequences (N, L) int64: <paramref name="confidence"/> on the given base, 0 elsewhere.</summary>
    public void SetFrom(Tensor indices, double confidence = 5)
    {
        Layout.CheckLength(indices.shape[1], "the sequences");
        if (indices.shape[0] != logits.shape[0]) throw new UserInputException($"expected {logits.shape[0]} sequences, got {indices.shape[0]}.");
        using var _ = torch.no_grad();
        logits.copy_(NucleotideGenome.OneHot(indices.to(logits.device)).Mul(confidence));
    }
}
