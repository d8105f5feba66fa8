using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// Truncation selection (Mühlenbein and Schlierkamp-Voosen 1993): only the best <see cref="Fraction"/> of the population
/// may breed; parents are drawn uniformly from them.
/// </summary>
public sealed class TruncationSelection : ISelection
{
    /// <summary>Creates the operator keeping the top <paramref name="fraction"/> in (0, 1].</summary>
    public TruncationSelection(double fraction = 0.5)
    {
        if (!(fraction > 0 && fraction <= 1)) throw new UserInputException($"truncation fraction must be in (0, 1], got {fraction}.");
        Fraction = fraction;
    }

    /// <summary>Share of the population allowed to breed.</summary>
    public double Fraction { get; }

    /// <inheritdoc />
    public Tensor SelectParents(Tensor fitness, int count, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        long n = fitness.shape[0];
        long keep = Math.Max(1, (long)Math.Ceiling(Fraction * n));
        var best = fitness.topk((int)keep).indexes;                                                         // (keep)
        var pick = torch.randint(0, keep, new long[] { count }, dtype: ScalarType.Int64, device: fitness.device, generator: generator);
        return best.index_select(0, pick).MoveToOuterDisposeScope();
    }
}
