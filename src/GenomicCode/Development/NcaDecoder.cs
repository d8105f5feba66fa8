using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>
/// Options of the neural cellular automaton. Defaults follow Growing NCA (Mordvintsev et al. 2020: 16 channels,
/// 128 hidden, fire rate 0.5, alive threshold 0.1).
/// </summary>
public sealed record NcaOptions : CellularOptions
{
    /// <summary>Probability that a cell updates in a step (stochastic update mask, Growing NCA) in (0, 1]. Default 0.5.</summary>
    public double FireRate { get; init; } = 0.5;

    /// <summary>
    /// Also add a linear map of the genome to every cell's hidden layer (a conditional NCA). False grows from the genome in
    /// the seed cell alone. Default false.
    /// </summary>
    public bool ConditionEveryCell { get; init; }

    /// <summary>
    /// Run the per-cell network only on the cells that fire in the step and have a cell alive before it in their
    /// 3x3 neighbourhood, and scatter their updates back. Exact: every other cell's update is discarded by the fire or
    /// alive masks and never reaches a living cell's alive test. It saves the work of dead cells (most of the grid early
    /// in growth from a seed) and of resting cells (1 - fire rate of the rest).
    /// False runs the network on every cell, as Growing NCA's reference code does. Default true.
    /// </summary>
    public bool SparseUpdates { get; init; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!(FireRate > 0 && FireRate <= 1)) throw new UserInputException($"FireRate must be in (0, 1], got {FireRate}.");
    }
}

/// <summary>
/// A genome-conditioned neural cellular automaton on a fixed grid (Growing NCA, Mordvintsev et al. 2020, with the genome
/// in the seed cell; our VAE decoder, not VNCA: the doubling decoder of Palm et al. 2022 is <see cref="VncaDecoder"/>). Channels 0..P-1 are the readout (P = phenotype channels), channel P is alpha (alive), the rest are hidden.
/// Each step: perception = identity + Sobel x + Sobel y of every channel as ONE depthwise convolution (3C outputs);
/// per-cell MLP as 1x1 convolutions 3C -> hidden -> C (ReLU, last layer zero-initialised, no bias); a stochastic
/// update mask (fire rate); alive masking (alpha &gt; threshold in the 3x3 neighbourhood before and after the update).
/// Development starts from one living seed cell at the centre whose hidden channels are a linear map of the genome.
/// Phenotype logits = gain * readout + bias (bias -3 at start, so dead cells read as background).
/// </summary>
public sealed class NcaDecoder : CellularDecoder
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<NcaOptions, DecoderContext, GenomeDecoder> Entry { get; } = new(
        "nca", "neural cellular automaton grown from one seed cell holding the genome (perception, per-cell MLP, stochastic updates, alive masking).",
        "Mordvintsev et al. 2020, Growing neural cellular automata (Distill); the genome-seeded VAE decoder is ours (VNCA's doubling decoder: vnca)",
        (o, c) => new NcaDecoder(c.GenomeSize, c.PhenotypeShape, o));

    private readonly Tensor perception;     // (3C, 1, 3, 3) fixed kernels: identity, Sobel x, Sobel y per channel
    private readonly Conv2d hidden;         // 3C -> H, 1x1
    private readonly Conv2d update;         // H -> C, 1x1, zero-initialised, no bias
    private readonly Linear seed;           // genome -> hidden channels of the seed cell
    private readonly Linear? everyCell;     // genome -> hidden layer bias of every cell (optional)
    private readonly Parameter readoutGain; // (1, P, 1, 1)
    private readonly Parameter readoutBias; // (1, P, 1, 1)
    private readonly int channels;
    private readonly int readout;

    /// <summary>Creates the automaton for genomes of <paramref name="genomeSize"/> and phenotypes of the given shape.</summary>
    public NcaDecoder(int genomeSize, (int Channels, int Height, int Width) phenotypeShape, NcaOptions options)
        : base(nameof(NcaDecoder), genomeSize, phenotypeShape, options)
    {
        channels = options.Channels;
        readout = phenotypeShape.Channels;
        if (channels < readout + 2)
            throw new UserInputException($"NcaDecoder needs Channels >= phenotype channels + 2 (readout, alpha, hidden), got {channels} for {readout} readout channel(s).");
        perception = PerceptionKernel(channels);
        hidden = Conv2d(3 * channels, options.HiddenSize, 1);
        update = Conv2d(options.HiddenSize, channels, 1, bias: false);
        using (torch.no_grad()) update.weight!.zero_();   // Mordvintsev et al. 2020: "do nothing" at initialisation
        seed = Linear(genomeSize, channels - readout - 1);
        everyCell = options.ConditionEveryCell ? Linear(genomeSize, options.HiddenSize) : null;
        readoutGain = new Parameter(torch.ones(1, readout, 1, 1));
        readoutBias = new Parameter(ScalarMath.Full(new long[] { 1, readout, 1, 1 }, -3.0));
        RegisterComponents();
    }

    /// <summary>The automaton's options.</summary>
    public NcaOptions Options => (NcaOptions)SharedOptions;

    /// <summary>
    /// The fixed perception kernels (3C, 1, 3, 3) for a depthwise convolution with C groups: for each channel the
    /// identity, Sobel x / 8 and Sobel y / 8 (Mordvintsev et al. 2020, "Perception").
    /// </summary>
    public static Tensor PerceptionKernel(int channels)
    {
        float[] identity = { 0, 0, 0, 0, 1, 0, 0, 0, 0 };
        float[] sobelX = { -1 / 8f, 0, 1 / 8f, -2 / 8f, 0, 2 / 8f, -1 / 8f, 0, 1 / 8f };
        float[] sobelY = { -1 / 8f, -2 / 8f, -1 / 8f, 0, 0, 0, 1 / 8f, 2 / 8f, 1 / 8f };
        var data = new float[channels * 3 * 9];
        for (int c = 0; c < channels; c++)
        {
            identity.CopyTo(data, (3 * c) * 9);
            sobelX.CopyTo(data, (3 * c + 1) * 9);
            sobelY.CopyTo(data, (3 * c + 2) * 9);
        }
        return torch.tensor(data, new long[] { 3 * channels, 1, 3, 3 });
    }

    /// <summary>
    /// The initial grid (B, C, G, G), in channels-last memory layout: zero except the centre cell (every cell when
    /// <see cref="CellularOptions.Start"/> is <c>full</c>), whose alpha is 1 and whose hidden channels carry the genome.
    /// </summary>
    public Tensor SeedState(Tensor genome)
    {
        long b = genome.shape[0];
        var cell = torch.cat(new[]
        {
            torch.zeros(b, readout, device: genome.device),
            torch.ones(b, 1, device: genome.device),
            seed.forward(genome),
        }, 1);                                                          // (B, C)
        var grid = cell.view(b, channels, 1, 1) * CentreCell(genome.device); // (B, C, G, G)
        // Channels-last strides (TorchSharp 0.107 exposes no memory_format; libtorch reads the layout from the strides):
        // the convolutions then run without layout reorders, their outputs stay channels-last, and the sparse update's
        // (B, G, G, 3C) rows are a view instead of a copy. Same values, shape and gradients as the NCHW layout.
        return grid.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>One update of the automaton (Mordvintsev et al. 2020) on a state (B, C, G, G).</summary>
    /// <remarks>
    /// Speed: the alive masks are not differentiable, so they are computed without autograd and applied as 0/1 floats
    /// (<see cref="CellMasks"/>);
    /// comparisons write in place into their source buffers; ReLU, the genome bias and the masking run in place where
    /// autograd does not need the overwritten values (a convolution saves its input, not its output; addcmul saves its
    /// factors, not its result). With <see cref="NcaOptions.SparseUpdates"/> the per-cell network runs only on
    /// the cells that fire next to a living cell (see <see cref="SparseUpdate"/>); the result is the same.
    /// </remarks>
    public Tensor Step(Tensor state, Tensor? condition, Generator generator)
    {
        long b = state.shape[0], g = state.shape[2];
        double threshold = Options.AliveThreshold;
        Tensor alive;
        using (torch.no_grad())
            alive = CellMasks.Alive(state.narrow(1, readout, 1), threshold);                           // (B, 1, G, G) 0/1 before
        var p = nn.functional.conv2d(state, perception, padding: new long[] { 1, 1 }, groups: channels); // (B, 3C, G, G)
        var fire = torch.rand(new long[] { b, 1, g, g }, generator: generator, device: state.device).Lt_(Options.FireRate); // (B, 1, G, G) 0/1
        Tensor next;
        Tensor? update = Options.SparseUpdates ? SparseUpdate(state, p, condition, fire, alive, generator) : null;
        if (update is not null)
        {
            next = state.Plus(update);                                                                 // x + dx on firing living cells
        }
        else
        {
            var h = hidden.forward(p);                                                                 // (B, H, G, G)
            if (condition is not null) h.Add_(condition);                                              // + (B, H, 1, 1)
            h.relu_();
            var dx = this.update.forward(h);                                                           // (B, C, G, G)
            if (NoiseLevel > 0)
                dx = dx.Plus(torch.randn(dx.shape, generator: generator, device: state.device).Mul_(NoiseLevel));
            next = state.AddCMul(dx, fire, 1);                                                         // x + dx * fire
        }
        using (torch.no_grad())
            alive.mul_(CellMasks.Alive(next.narrow(1, readout, 1), threshold));                        // alive before and after
        return next.mul_(alive);                                                                       // (B, C, G, G)
    }

    /// <summary>
    /// The update dx (B, C, G, G) computed only for the cells that fire and have a cell alive before the step in their
    /// 3x3 neighbourhood: their perception rows are gathered, pass the per-cell network as two matrix products (the 1x1
    /// convolutions' weights), and are scattered back into zeros. Exact: (x + dx * fire) * alive zeroes every cell not
    /// alive before, and such a cell's update reaches the result only through its alpha in the alive-after test of a
    /// living neighbour, so cells with no living neighbour never matter. Developmental noise is drawn for the whole grid
    /// and gathered, so the random numbers are those of the dense update. Null when most cells are selected anyway
    /// (then the dense path, without the gather and scatter, is cheaper).
    /// </summary>
    private Tensor? SparseUpdate(Tensor state, Tensor p, Tensor? condition, Tensor fire, Tensor alive, Generator generator)
    {
        long b = state.shape[0], g = state.shape[2], cells = b * g * g;
        Tensor rows;
        using (torch.no_grad())
            rows = fire.logical_and(CellMasks.Any3x3(alive)).view(-1).nonzero().view(-1);              // (N) indices into B*G*G, (b, y, x) order
        long n = rows.shape[0];
        if (n > DenseFraction * cells) return null;
        // (B, 3C, G, G) -> (B*G*G, 3C): a copy for NCHW perception, a view when it is channels-last.
        var perceived = p.permute(0, 2, 3, 1).reshape(cells, 3 * channels).index_select(0, rows);   // (N, 3C)
        var h = nn.functional.linear(perceived, hidden.weight!.view(hidden.weight.shape[0], -1), hidden.bias); // (N, H)
        if (condition is not null)
            h.Add_(condition.view(b, -1).index_select(0, rows.Div(g * g, RoundingMode.floor)));                // + genome term of each row's organism
        h.relu_();
        var dx = nn.functional.linear(h, this.update.weight!.view(channels, -1));                    // (N, C)
        if (NoiseLevel > 0) // drawn for every cell, as the dense update draws it, so both paths see the same noise
            dx = dx.Plus(torch.randn(new long[] { b, channels, g, g }, generator: generator, device: state.device).Mul_(NoiseLevel)
                .permute(0, 2, 3, 1).reshape(cells, channels).index_select(0, rows));
        var scattered = torch.zeros(cells, channels, dtype: dx.dtype, device: dx.device).index_copy(0, rows, dx); // (B*G*G, C)
        return scattered.view(b, g, g, channels).permute(0, 3, 1, 2);                                 // (B, C, G, G) view
    }

    /// <summary>Above this share of selected cells the dense update is used (gather and scatter would cost more than they save).</summary>
    private const double DenseFraction = 0.75;

    /// <summary>Phenotype logits on the grid (B, P, G, G) from a state.</summary>
    public Tensor Readout(Tensor state) => readoutBias.AddCMul(state.narrow(1, 0, readout), readoutGain, 1);

    /// <inheritdoc />
    protected override Tensor Grow(Tensor genome, int steps, Generator generator, ISet<int> capture, Action<Tensor> record)
    {
        var state = SeedState(genome);
        var condition = everyCell?.forward(genome).view(genome.shape[0], -1, 1, 1);  // (B, H, 1, 1)
        if (capture.Contains(0)) record(Readout(state));
        for (int t = 1; t <= steps; t++)
        {
            var previous = state;
            // One dispose scope per step keeps the intermediates that autograd does not need from piling up.
            using (var scope = torch.NewDisposeScope())
                state = Step(state, condition, generator).MoveToOuterDisposeScope();
            previous.Dispose(); // autograd keeps what it saved; the handle itself is no longer needed
            if (capture.Contains(t)) record(Readout(state));
        }
        return Readout(state);
    }
}
