using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// Independent strategies run side by side as one (replicate searches, one per target, ...): a generation asks every
/// member and stacks their populations in member order, so one batched fitness call scores them all, and each member is
/// told its own rows. Members never share parents or random numbers. The group owns its members and disposes them.
/// </summary>
public sealed class StrategyGroup : IEvolutionStrategy
{
    private readonly IEvolutionStrategy[] members;

    /// <summary>Groups <paramref name="members"/> (at least one), which the group now owns.</summary>
    public StrategyGroup(IEnumerable<IEvolutionStrategy> members)
    {
        this.members = members.ToArray();
        if (this.members.Length == 0) throw new ArgumentException("a strategy group needs at least one member.", nameof(members));
    }

    /// <summary>The member strategies, in row order.</summary>
    public IReadOnlyList<IEvolutionStrategy> Members => members;

    /// <inheritdoc />
    public string Name => $"{members.Length} x {members[0].Name}";

    /// <summary>Rows of a generation: the members' population sizes added up.</summary>
    public int PopulationSize => members.Sum(m => m.PopulationSize);

    /// <summary>Generations told (every member is told every generation).</summary>
    public long Generation => members[0].Generation;

    /// <inheritdoc />
    public Tensor Ask()
    {
        using var scope = torch.NewDisposeScope();
        return torch.cat(members.Select(m => m.Ask()).ToArray(), 0).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Tell(Tensor fitness)
    {
        using var f = StrategyBase.CheckFitness(fitness, PopulationSize, Generation);
        long offset = 0;
        foreach (var m in members)
        {
            using var rows = f.narrow(0, offset, m.PopulationSize);
            m.Tell(rows);
            offset += m.PopulationSize;
        }
    }

    /// <inheritdoc />
    /// <remarks>Every member's parents, stacked in member order.</remarks>
    public Tensor Parents
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return torch.cat(members.Select(m => m.Parents).ToArray(), 0).MoveToOuterDisposeScope();
        }
    }

    /// <inheritdoc />
    /// <remarks>The centroid of every member's parents, in float64.</remarks>
    public Tensor Mean
    {
        get
        {
            using var parents = Parents;
            return parents.to(ScalarType.Float64).mean(new long[] { 0 });
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <paramref name="fitness"/> is called at most once, on all members' <see cref="Parents"/> stacked in member order
    /// (so row positions mean the same as in a generation), and only when some member keeps fitness values.
    /// </remarks>
    public void Reevaluate(Func<Tensor, Tensor> fitness)
    {
        Tensor? all = null;
        try
        {
            long offset = 0;
            foreach (var m in members)
            {
                long start = offset;
                m.Reevaluate(parents =>
                {
                    if (all is null)
                    {
                        using var stacked = Parents;
                        all = fitness(stacked).detach().DetachFromDisposeScope();
                    }
                    return all.narrow(0, start, parents.shape[0]);
                });
                using (var p = m.Parents) offset += p.shape[0];
            }
        }
        finally
        {
            all?.Dispose();
        }
    }

    /// <summary>The fittest genome any member has evaluated (G), or null before the first tell.</summary>
    public Tensor? BestGenome => members.MaxBy(m => m.BestFitness)!.BestGenome;

    /// <inheritdoc />
    public double BestFitness => members.Max(m => m.BestFitness);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var m in members) m.Dispose();
    }
}
