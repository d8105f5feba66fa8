using GenomicCode.Core;
using GenomicCode.Evolution;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>
/// The mutation of a gene-regulatory genotype (G, B) in Watson et al. 2014 and Kouvaris et al. 2017: each genome changes
/// either one direct effect G_i (uniform in +-sigmaG, then every G_i kept in [-bound, bound]) or, with probability p, one
/// regulatory weight B_ij (uniform in +-sigmaB; diagonal entries only when self-regulation is allowed). A genome is a row
/// [G (N) | B (N x N, row-major)], or G alone when B is held fixed elsewhere; the random draws are the same either way
/// (choice, trait, step, weight, step per genome), so a search over G with B frozen follows the stream of a search over
/// (G, B) with p = 0.
/// </summary>
public sealed class RegulatoryMutation : IMutation, IDisposable
{
    /// <summary>Creates the operator for genomes of <paramref name="traits"/> traits N.</summary>
    public RegulatoryMutation(int traits, double sigmaG, double sigmaB, double bound, double regulationProbability, bool selfRegulation)
    {
        if (traits < 1) throw new UserInputException($"traits must be >= 1, got {traits}.");
        Guard.NonNegative(sigmaG);
        Guard.NonNegative(sigmaB);
        Guard.Positive(bound);
        Guard.InRange(regulationProbability, 0, 1);
        Traits = traits;
        SigmaG = sigmaG;
        SigmaB = sigmaB;
        Bound = bound;
        RegulationProbability = regulationProbability;
        SelfRegulation = selfRegulation;
    }

    /// <summary>Traits N.</summary>
    public int Traits { get; }

    /// <summary>Half-width of a step of G_i.</summary>
    public double SigmaG { get; }

    /// <summary>Half-width of a step of B_ij.</summary>
    public double SigmaB { get; }

    /// <summary>Bound on |G_i|.</summary>
    public double Bound { get; }

    /// <summary>Probability that a mutation changes B rather than G.</summary>
    public double RegulationProbability { get; }

    /// <summary>Whether diagonal entries B_ii may change.</summary>
    public bool SelfRegulation { get; }

    /// <inheritdoc />
    public Tensor Mutate(Tensor genomes, Generator generator)
    {
        long n = Traits;
        long width = genomes.dim() == 2 ? genomes.shape[1] : -1, r = genomes.shape[0];
        if (width != n && width != n + n * n)
            throw new UserInputException($"a regulatory genome is (R, {n}) or (R, {n + n * n}) = [G | B], got ({string.Join(", ", genomes.shape)}).");
        using var scope = torch.NewDisposeScope();
        var dtype = genomes.dtype;
        var device = genomes.device;
        var mutateB = torch.rand(new[] { r }, dtype: dtype, device: device, generator: generator).Lt(RegulationProbability).to(dtype); // (R) 1 = mutate B
        var traitPick = torch.randint(0, n, new[] { r }, dtype: ScalarType.Int64, device: device, generator: generator);
        var traitStep = torch.rand(new[] { r }, dtype: dtype, device: device, generator: generator).Mul(2L).Sub(1L).Mul(SigmaG);
        var gStep = nn.functional.one_hot(traitPick, n).to(dtype) * (traitStep * mutateB.RSub(1L)).unsqueeze(1);                    // (R, N)
        var weightPick = torch.randint(0, n * n, new[] { r }, dtype: ScalarType.Int64, device: device, generator: generator);
        var weightStep = torch.rand(new[] { r }, dtype: dtype, device: device, generator: generator).Mul(2L).Sub(1L).Mul(SigmaB);
        if (width == n) return genomes.Plus(gStep).Clamp(-Bound, Bound).MoveToOuterDisposeScope();
        var bStep = nn.functional.one_hot(weightPick, n * n).to(dtype) * (weightStep * mutateB).unsqueeze(1);                     // (R, N^2)
        var (lower, upper, offDiagonal) = Constants(dtype, device);
        if (!SelfRegulation) bStep = bStep * offDiagonal;
        // G_i clipped to [-bound, bound]; the bounds of B are infinite.
        return genomes.Plus(torch.cat(new[] { gStep, bStep }, 1)).clamp(lower, upper).MoveToOuterDisposeScope();
    }

    private (Tensor Lower, Tensor Upper, Tensor OffDiagonal)? constants;

    // Per-gene bounds of [G | B] and the off-diagonal mask of B (1 - I, row-major), made once per dtype and device.
    private (Tensor Lower, Tensor Upper, Tensor OffDiagonal) Constants(ScalarType dtype, Device device)
    {
        if (constants is { } c && c.Lower.dtype == dtype && c.Lower.device.type == device.type && c.Lower.device.index == device.index) return c;
        Dispose();
        int n = Traits;
        using var scope = torch.NewDisposeScope();
        var lower = torch.cat(new[] { ScalarMath.Full(new long[] { n }, -Bound, dtype, device), ScalarMath.Full(new long[] { n * n }, double.NegativeInfinity, dtype, device) });
        var upper = torch.cat(new[] { ScalarMath.Full(new long[] { n }, Bound, dtype, device), ScalarMath.Full(new long[] { n * n }, double.PositiveInfinity, dtype, device) });
        var offDiagonal = torch.eye(n, dtype: dtype, device: device).RSub(1L).reshape(n * n);
        constants = (lower.DetachFromDisposeScope(), upper.DetachFromDisposeScope(), offDiagonal.DetachFromDisposeScope());
        return constants.Value;
    }

    /// <summary>Frees the cached bounds and mask.</summary>
    public void Dispose()
    {
        if (constants is not { } c) return;
        c.Lower.Dispose();
        c.Upper.Dispose();
        c.OffDiagonal.Dispose();
        constants = null;
    }
}
