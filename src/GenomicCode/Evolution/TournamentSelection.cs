using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// Tournament selection (Goldberg and Deb 1991): each parent is the fittest of <see cref="Size"/> individuals drawn
/// uniformly with replacement.
/// </summary>
public sealed class TournamentSelection : ISelection
{
    /// <summary>Creates the operator with tournaments of <paramref name="size"/> >= 1.</summary>
    public TournamentSelection(int size = 3)
    {
        if (size < 1) throw new UserInputException($"tournament size must be >= 1, got {size}.");
        Size = size;
    }

    /// <summary>Individuals per tournament.</summary>
    public int Size { get; }

    /// <inheritdoc />
    public Tensor SelectParents(Tensor fitness, int count, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        long n = fitness.shape[0];
        var entrants = torch.randint(0, n, new long[] { count, Size }, dtype: ScalarType.Int64, device: fitness.device, generator: generator); // (count, k)
        var scores = fitness.index_select(0, entrants.flatten()).reshape(count, Size);                                                        // (count, k)
        var winner = scores.argmax(1, keepdim: true);                                                                                          // (count, 1)
        return entrants.gather(1, winner).squeeze(1).MoveToOuterDisposeScope();
    }
}
