using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Evolution;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Development.Population;

/// <summary>
/// A population of neural cellular automata (<see cref="NcaDecoder"/>: Growing NCA, Mordvintsev et al. 2020) developed in
/// one call. All P x K organisms (P individuals, K genomes each) share one state tensor (P K, C, G, G); perception,
/// alive masks and update masks run on it as in <see cref="NcaDecoder.Step"/>; the per-cell network, which differs per
/// individual, runs as two batched matrix products over the population (<c>bmm</c> with each individual's 1x1
/// convolution weights), and the seed cell and genome condition as batched products too. With
/// <see cref="NcaOptions.SparseUpdates"/> only the cells that fire next to a living cell pass the network: their rows
/// are gathered per individual into a (P, M, 3C) block padded to the largest count M (our variant of the decoder's
/// sparse update for a population), and scattered back. Same result as developing each individual in turn, to float
/// tolerance; randomness as <see cref="PopulationRandomness"/> describes.
/// </summary>
public sealed class NcaPopulation : IPopulationDecoder
{
    private readonly NcaDecoder template;
    private readonly ParameterVector vector;
    private readonly StackedParameters stacked;
    private readonly Tensor perception;
    private readonly int channels;
    private readonly int readout;

    /// <summary>Develops individuals shaped like <paramref name="template"/> (its options, grid and buffers; not its weights).</summary>
    public NcaPopulation(NcaDecoder template)
    {
        this.template = template ?? throw new ArgumentNullException(nameof(template));
        vector = new ParameterVector(template);
        stacked = new StackedParameters(template, vector);
        channels = template.Options.Channels;
        readout = template.PhenotypeShape.Channels;
        perception = NcaDecoder.PerceptionKernel(channels);
    }

    /// <inheritdoc />
    public GenomeDecoder Template => template;

    /// <inheritdoc />
    public string Backend => "torch";

    /// <inheritdoc />
    public long ParameterCount => vector.Length;

    /// <inheritdoc />
    public Tensor Develop(Tensor weights, Tensor genomes, PopulationRandomness? randomness = null, int? steps = null)
    {
        var (p, k, perIndividual) = PopulationDevelopment.CheckInputs(template, vector.Length, weights, genomes);
        var device = genomes.device;
        using var fallback = new Generator((ulong)DevelopmentalDecoder.DefaultSeed, device);
        var random = PopulationDevelopment.Resolve(randomness, p, fallback);
        int n = random.Steps(template, steps);
        using var scope = torch.NewDisposeScope();
        var net = Network.Read(stacked, weights.to(ScalarType.Float32, device), perIndividual.to(ScalarType.Float32));
        var kernel = perception.to(device);
        var state = SeedState(net, p, k, device);                                        // (P K, C, G, G) channels-last
        for (int t = 1; t <= n; t++)
        {
            var previous = state;
            using (var stepScope = torch.NewDisposeScope())
                state = Step(state, kernel, net, random, p, k).MoveToOuterDisposeScope();
            previous.Dispose();
        }
        long g = template.GridSize;
        var grid = net.ReadoutBias.AddCMul(state.view(p, k, channels, g, g).narrow(2, 0, readout), net.ReadoutGain, 1); // (P, K, R, G, G)
        var phenotype = template.ToPhenotype(grid.reshape(p * k, readout, g, g));
        return phenotype.view(p, k, readout, phenotype.shape[2], phenotype.shape[3]).MoveToOuterDisposeScope();
    }

    /// <summary>The seed grids (P K, C, G, G), channels-last: as <see cref="NcaDecoder.SeedState"/> with each individual's seed map.</summary>
    private Tensor SeedState(Network net, long p, long k, Device device)
    {
        var hiddenCells = torch.bmm(net.Genomes, net.SeedWeightT).Add_(net.SeedBias);   // (P, K, C - R - 1)
        var cell = torch.cat(new[]
        {
            torch.zeros(p, k, readout, device: device),
            torch.ones(p, k, 1, device: device),
            hiddenCells,
        }, 2);                                                                          // (P, K, C)
        var grid = cell.reshape(p * k, channels, 1, 1) * template.CentreCell(device);  // (P K, C, G, G)
        return grid.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>One update of every organism: <see cref="NcaDecoder.Step"/> with each individual's network.</summary>
    private Tensor Step(Tensor state, Tensor kernel, Network net, PopulationRandomness random, long p, long k)
    {
        var options = template.Options;
        long b = state.shape[0], g = state.shape[2];
        Tensor alive;
        using (torch.no_grad())
            alive = CellMasks.Alive(state.narrow(1, readout, 1), options.AliveThreshold);                // (B, 1, G, G) before
        var perceived = nn.functional.conv2d(state, kernel, padding: new long[] { 1, 1 }, groups: channels);  // (B, 3C, G, G)
        var fire = Broadcast(random.Uniform(new[] { k, 1, g, g }, state.device).Lt_(options.FireRate), p);   // (B, 1, G, G) 0/1
        Tensor? noise = options.Noise > 0
            ? Broadcast(random.Normal(new[] { k, channels, g, g }, state.device).Mul_(options.Noise), p)     // (B, C, G, G)
            : null;
        Tensor next;
        var sparse = options.SparseUpdates ? SparseUpdate(perceived, net, fire, alive, noise, p, k, g) : null;
        if (sparse is not null)
        {
            next = state.Plus(sparse);
        }
        else
        {
            var rows = perceived.permute(0, 2, 3, 1).reshape(p, k * g * g, 3 * channels);             // (P, K G G, 3C)
            var h = torch.bmm(rows, net.HiddenWeightT).Add_(net.HiddenBias);                           // (P, K G G, H)
            if (net.Condition is not null) h.view(p, k, g * g, -1).Add_(net.Condition.unsqueeze(2));  // + (P, K, 1, H)
            h.relu_();
            var dx = torch.bmm(h, net.UpdateWeightT).view(b, g, g, channels).permute(0, 3, 1, 2);      // (B, C, G, G)
            if (noise is not null) dx = dx.Plus(noise);
            next = state.AddCMul(dx, fire, 1);                                                          // x + dx * fire
        }
        using (torch.no_grad())
            alive.mul_(CellMasks.Alive(next.narrow(1, readout, 1), options.AliveThreshold));
        return next.mul_(alive);
    }

    /// <summary>
    /// The update (B, C, G, G) of the cells that fire next to a living cell, computed per individual on a block of its selected
    /// rows padded to the largest count; null when most cells are selected (the dense update is then cheaper).
    /// </summary>
    private Tensor? SparseUpdate(Tensor perceived, Network net, Tensor fire, Tensor alive, Tensor? noise, long p, long k, long g)
    {
        long b = p * k, cells = g * g, perIndividual = k * cells;
        Tensor selected, rows, counts;
        using (torch.no_grad())
        {
            selected = fire.logical_and(CellMasks.Any3x3(alive));                                       // (B, 1, G, G) fire next to a living cell
            rows = selected.view(-1).nonzero().view(-1);                                                 // (N) into B G G, individual-major
            counts = selected.view(p, perIndividual).sum(1);                                             // (P)
        }
        long n = rows.shape[0];
        if (n > DenseFraction * b * cells) return null;
        if (n == 0) return torch.zeros(b, channels, g, g, device: perceived.device);
        long m = counts.max().item<long>();
        Tensor padIndex;
        using (torch.no_grad())
        {
            var individual = rows.Div(perIndividual, RoundingMode.floor);                                  // (N)
            var starts = torch.cat(new[] { torch.zeros(1, dtype: ScalarType.Int64, device: rows.device), counts.cumsum(0).narrow(0, 0, p - 1) }, 0); // (P) first row of each
            var position = ScalarMath.Arange(n, ScalarType.Int64, rows.device).Plus(starts.index_select(0, individual).neg()); // (N) rank within its individual
            padIndex = individual.Mul(m).Plus(position);                                                 // (N) into P M
        }
        var gathered = perceived.permute(0, 2, 3, 1).reshape(b * cells, 3 * channels).index_select(0, rows); // (N, 3C)
        var padded = torch.zeros(p * m, 3 * channels, device: perceived.device).index_copy(0, padIndex, gathered).view(p, m, 3 * channels);
        var h = torch.bmm(padded, net.HiddenWeightT).Add_(net.HiddenBias);                               // (P, M, H)
        if (net.Condition is not null)
        {
            var condition = net.Condition.reshape(b, -1).index_select(0, rows.Div(cells, RoundingMode.floor)); // (N, H)
            h.Add_(torch.zeros(p * m, condition.shape[1], device: perceived.device).index_copy(0, padIndex, condition).view(p, m, -1));
        }
        h.relu_();
        var dx = torch.bmm(h, net.UpdateWeightT).view(p * m, channels).index_select(0, padIndex);        // (N, C)
        if (noise is not null) dx = dx.Plus(noise.permute(0, 2, 3, 1).reshape(b * cells, channels).index_select(0, rows));
        var scattered = torch.zeros(b * cells, channels, dtype: dx.dtype, device: dx.device).index_copy(0, rows, dx);
        return scattered.view(b, g, g, channels).permute(0, 3, 1, 2);
    }

    /// <summary>Above this share of selected cells the dense update is used (as in <see cref="NcaDecoder"/>).</summary>
    private const double DenseFraction = 0.75;

    /// <summary>Draws (R, K, ...) as (P K, ...): repeated over the population when common, else as they are.</summary>
    private static Tensor Broadcast(Tensor draws, long p)
    {
        long r = draws.shape[0];
        var shape = draws.shape.Skip(1).ToArray();
        var perIndividual = r == 1 ? draws.expand(new[] { p }.Concat(shape).ToArray()) : draws;
        return perIndividual.reshape(new[] { p * shape[0] }.Concat(shape.Skip(1)).ToArray());
    }

    /// <inheritdoc />
    public void Dispose() => perception.Dispose();

    /// <summary>Every individual's network, arranged for batched products.</summary>
    private sealed record Network(
        Tensor Genomes, Tensor HiddenWeightT, Tensor HiddenBias, Tensor UpdateWeightT, Tensor SeedWeightT, Tensor SeedBias,
        Tensor? Condition, Tensor ReadoutGain, Tensor ReadoutBias)
    {
        public static Network Read(StackedParameters s, Tensor w, Tensor genomes)
        {
            long p = w.shape[0];
            Tensor P(Tensor t) => t.shape[0] == p ? t : t.expand(new[] { p }.Concat(t.shape.Skip(1)).ToArray());
            var hidden = P(s.Get(w, "hidden.weight"));                                 // (P, H, 3C, 1, 1)
            var update = P(s.Get(w, "update.weight"));                                 // (P, C, H, 1, 1)
            var seed = P(s.Get(w, "seed.weight"));                                     // (P, C - R - 1, G)
            Tensor? condition = null;
            if (s.Has("everyCell.weight"))
            {
                var every = P(s.Get(w, "everyCell.weight"));                           // (P, H, G)
                condition = torch.bmm(genomes, every.transpose(1, 2)).Add_(P(s.Get(w, "everyCell.bias")).unsqueeze(1)); // (P, K, H)
            }
            return new Network(
                genomes,
                hidden.flatten(2).transpose(1, 2),                                      // (P, 3C, H)
                P(s.Get(w, "hidden.bias")).unsqueeze(1),                                // (P, 1, H)
                update.flatten(2).transpose(1, 2),                                      // (P, H, C)
                seed.transpose(1, 2),                                                   // (P, G, C - R - 1)
                P(s.Get(w, "seed.bias")).unsqueeze(1),                                  // (P, 1, C - R - 1)
                condition,
                P(s.Get(w, "readoutGain")),                                             // (P, 1, R, 1, 1)
                P(s.Get(w, "readoutBias")));                                            // (P, 1, R, 1, 1)
        }
    }
}
