using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Latent;
using GenomicCode.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>
/// Options of the gene-regulatory-network decoder. Defaults: the <c>leaky</c> dynamics with tau 0.2 and tanh; 16 genes,
/// 4 of them secreted signals, a 128-wide hypernetwork.
/// </summary>
public sealed record GrnOptions : CellularOptions
{
    /// <summary>
    /// How expression x changes in a step, with drive d = W [x; s] + b:
    /// <c>leaky</c>, x &lt;- (1 - tau) x + tau f(d), a discrete leaky integrator (ours: the forward-Euler step of the
    /// continuous-time recurrent network dx/dt = (f(d) - x) / T with tau = dt / T; fixed points within f's range);
    /// <c>kouvaris</c>, x &lt;- x + tau1 f(d) - tau2 x, the developmental update of Watson et al. 2014 (Evolution, "The
    /// evolution of phenotypic correlations and 'developmental memory'") and Kouvaris et al. 2017 (PLoS Comput Biol, "How
    /// evolution learns to generalise"), there with d = B x; fixed points up to tau1 / tau2 in size.
    /// Default <c>leaky</c>.
    /// </summary>
    public string Dynamics { get; init; } = "leaky";

    /// <summary>Rate tau in (0, 1] of the <c>leaky</c> dynamics, x &lt;- (1 - tau) x + tau f(d). Default 0.2.</summary>
    public double Tau { get; init; } = 0.2;

    /// <summary>Rate tau1 (> 0) of regulation in the <c>kouvaris</c> dynamics, x &lt;- x + tau1 f(d) - tau2 x. Default 1.</summary>
    public double Tau1 { get; init; } = 1.0;

    /// <summary>Decay tau2 in (0, 1] of the <c>kouvaris</c> dynamics, x &lt;- x + tau1 f(d) - tau2 x. Default 0.2.</summary>
    public double Tau2 { get; init; } = 0.2;

    /// <summary>Activation f: <c>tanh</c> or <c>sigmoid</c>. Default <c>tanh</c>.</summary>
    public string Activation { get; init; } = "tanh";

    /// <summary>
    /// Secreted genes (1..Channels): the first M genes, whose levels every cell reads in its eight neighbours (their mean
    /// and Sobel gradients, one step, no diffusion). Default 4.
    /// </summary>
    public int Morphogens { get; init; } = 4;

    /// <summary>
    /// How the genome sets the network. Null (default): the genome is a vector that a hypernetwork reads. Set: the genome
    /// is a DNA sequence (the <c>nucleotide</c> latent) whose motifs and cis-regulatory regions set W(g) and b(g)
    /// through <see cref="SequenceAffinity"/>.
    /// </summary>
    public GrnSequenceOptions? Sequence { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Dynamics is not ("leaky" or "kouvaris")) throw new UserInputException($"Dynamics must be leaky or kouvaris, got '{Dynamics}'.");
        if (!(Tau > 0 && Tau <= 1)) throw new UserInputException($"Tau must be in (0, 1], got {Tau}.");
        if (!(Tau1 > 0) || double.IsInfinity(Tau1)) throw new UserInputException($"Tau1 must be a finite number > 0, got {Tau1}.");
        if (!(Tau2 > 0 && Tau2 <= 1)) throw new UserInputException($"Tau2 must be in (0, 1], got {Tau2}.");
        if (Activation is not ("tanh" or "sigmoid")) throw new UserInputException($"Activation must be tanh or sigmoid, got '{Activation}'.");
        if (Morphogens < 1 || Morphogens > Channels) throw new UserInputException($"Morphogens must be in [1, Channels={Channels}], got {Morphogens}.");
        Sequence?.Validate();
    }
}

/// <summary>
/// The DNA of a GRN decoder whose genome is a nucleotide sequence: each of the N genes is a transcription-factor motif
/// followed by its cis-regulatory region, and each of the 3M morphogen signals (neighbour mean, gradient x, gradient y
/// per morphogen) acts through a signal-responsive factor with a motif of its own (<see cref="NucleotideLayout"/> with
/// Genes = N, Signals = 3M). The genome has N (m + c) + 3M m loci.
/// </summary>
public sealed record GrnSequenceOptions
{
    /// <summary>Motif length m of every factor (1..64). Default 5.</summary>
    public int MotifLength { get; init; } = 5;

    /// <summary>Cis-regulatory region length c of every gene (m..4096). Default 10.</summary>
    public int CisLength { get; init; } = 10;

    /// <summary>Pseudocount weight of the position weight matrices (<see cref="SequenceAffinityOptions.Pseudocount"/>). Default 0.1.</summary>
    public double Pseudocount { get; init; } = 0.1;

    /// <summary>Initial chemical potential in kT (<see cref="SequenceAffinityOptions.Potential"/>). Default 3.</summary>
    public double Potential { get; init; } = 3;

    /// <summary>Initial regulatory gain per unit of occupancy (<see cref="SequenceAffinityOptions.Gain"/>). Default 2.</summary>
    public double Gain { get; init; } = 2;

    /// <summary>Initial occupancy threshold between repression and activation (<see cref="SequenceAffinityOptions.Threshold"/>). Default 0.1.</summary>
    public double Threshold { get; init; } = 0.1;

    /// <summary>The layout of a network of <paramref name="genes"/> genes and <paramref name="morphogens"/> morphogens.</summary>
    public NucleotideLayout Layout(int genes, int morphogens) =>
        new NucleotideLayout { Genes = genes, MotifLength = MotifLength, CisLength = CisLength, Signals = 3 * morphogens }.Validate();

    /// <summary>The options of the affinity layer.</summary>
    public SequenceAffinityOptions Affinity => new() { Pseudocount = Pseudocount, Potential = Potential, Gain = Gain, Threshold = Threshold };

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public void Validate()
    {
        new NucleotideLayout { Genes = 1, MotifLength = MotifLength, CisLength = CisLength }.Validate();
        Affinity.Validate();
    }
}

/// <summary>
/// A gene-regulatory-network decoder. Every cell of a G x G grid carries a gene-expression vector x of N genes; the
/// genome sets the regulatory weights W(g) (N x (N + 3M)) and biases b(g) (N) through a small hypernetwork (shared
/// W0, b0 plus a genome-dependent change). The first M genes are secreted signals read by neighbours: each cell reads, per
/// secreted gene, the mean of its eight neighbours' levels and the Sobel x / y gradients, this step's levels only (one
/// fixed depthwise 3x3 convolution with 3M outputs; no diffusion or decay of a signal field; the gradients let cells tell
/// directions apart, so patterns can form off-centre). Each step, with drive d = W(g) [x; signals] + b(g), follows
/// <see cref="GrnOptions.Dynamics"/>: <c>leaky</c>, x &lt;- (1 - tau) x + tau f(d) (a discrete leaky integrator, ours), or
/// <c>kouvaris</c>, x &lt;- x + tau1 f(d) - tau2 x (the update of Watson et al. 2014 and Kouvaris et al. 2017); then
/// + noise, restricted to living cells (gene P, after the P readout genes, above the alive threshold in the 3x3 neighbourhood). Development starts
/// from one zygote in an empty grid: the centre cell with its alive gene at 1 and maternal factors (a linear map of the
/// genome, through tanh) on the other non-readout genes. Genes 0..P-1 read out as pixels:
/// logits = gain * x + bias. With <see cref="GrnOptions.Sequence"/> set, the genome is a DNA sequence (one-hot or relaxed,
/// flattened to (B, 4 L)) instead: W(g) = W0 + the regulation <see cref="SequenceAffinity"/> reads from it, b(g) = b0 +
/// its basal biases, and the zygote carries no maternal factors.
/// </summary>
public sealed class GrnDecoder : CellularDecoder
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<GrnOptions, DecoderContext, GenomeDecoder> Entry { get; } = new(
        "grn", "gene-regulatory network in every cell of a grid, grown from one zygote; the genome sets W(g), b(g); secreted signals read by neighbours; leaky or kouvaris dynamics.",
        "leaky: a discrete leaky integrator (ours); kouvaris: Watson et al. 2014, The evolution of phenotypic correlations and 'developmental memory' (Evolution); Kouvaris et al. 2017, How evolution learns to generalise (PLoS Comput Biol)",
        (o, c) => new GrnDecoder(c.GenomeSize, c.PhenotypeShape, o));

    private readonly Linear? hyperHidden;     // genome -> hidden (vector genomes)
    private readonly Linear? hyperOut;        // hidden -> N (N + M) + N (vector genomes)
    private readonly SequenceAffinity? affinity; // sequence -> W(g) - W0, b(g) - b0 (nucleotide genomes)
    private readonly Parameter baseWeights;   // (N, N + 3M) shared regulatory weights W0
    private readonly Parameter baseBias;      // (N) shared biases b0
    private readonly Tensor diffusion;        // (3M, 1, 3, 3) neighbour mean, Sobel x, Sobel y per secreted gene, depthwise (a one-step read, not diffusion)
    private readonly Linear? maternal;        // genome -> maternal factors of the zygote (vector genomes)
    private readonly Parameter readoutGain;   // (1, P, 1, 1)
    private readonly Parameter readoutBias;   // (1, P, 1, 1)
    private readonly int genes;
    private readonly int morphogens;
    private readonly int readout;

    /// <summary>Creates the network for genomes of <paramref name="genomeSize"/> and phenotypes of the given shape.</summary>
    public GrnDecoder(int genomeSize, (int Channels, int Height, int Width) phenotypeShape, GrnOptions options)
        : base(nameof(GrnDecoder), genomeSize, phenotypeShape, options)
    {
        genes = options.Channels;
        morphogens = options.Morphogens;
        readout = phenotypeShape.Channels;
        if (genes < readout + 1)
            throw new UserInputException($"GrnDecoder needs Channels >= phenotype channels + 1 (readout genes and an alive gene), got {genes}.");
        int inputs = genes + 3 * morphogens;
        if (options.Sequence is { } sequence)
        {
            var layout = sequence.Layout(genes, morphogens);
            if (genomeSize != 4 * layout.Length)
                throw new UserInputException($"the grn decoder's DNA ({layout}) is a nucleotide genome of {layout.Length} loci, but the genome has width {genomeSize}; " +
                                             $"use model.latent nucleotide with model.latentSize {layout.Length}.");
            affinity = new SequenceAffinity(layout, sequence.Affinity);
        }
        else
        {
            hyperHidden = Linear(genomeSize, options.HiddenSize);
            hyperOut = Linear(options.HiddenSize, genes * inputs + genes);
            using (torch.no_grad()) hyperOut.weight!.Mul_(0.1);
        }
        baseWeights = new Parameter(torch.randn(genes, inputs).Div(Math.Sqrt(inputs)));
        var bias = torch.zeros(genes);
        bias[readout] = torch.tensor(2f); // the alive gene starts switched on, so the zygote's descendants live at initialisation
        baseBias = new Parameter(bias);
        diffusion = DiffusionKernel(morphogens);
        if (affinity is null) maternal = Linear(genomeSize, genes - readout - 1);
        readoutGain = new Parameter(ScalarMath.Full(new long[] { 1, readout, 1, 1 }, 3.0));
        readoutBias = new Parameter(ScalarMath.Full(new long[] { 1, readout, 1, 1 }, -3.0));
        RegisterComponents();
    }

    /// <summary>The network's options.</summary>
    public GrnOptions Options => (GrnOptions)SharedOptions;

    /// <summary>Genes per cell (N).</summary>
    public int Genes => genes;

    /// <summary>Inputs of each gene: N genes plus 3 signals (neighbour mean, gradient x, gradient y) per secreted gene.</summary>
    public int RegulatoryInputs => genes + 3 * morphogens;

    /// <summary>
    /// Depthwise 3x3 kernels (3M, 1, 3, 3) for M groups: per secreted gene the mean of the eight neighbours (centre 0,
    /// others 1/8), then Sobel x / 8 and Sobel y / 8 (as in the NCA's perception). A one-step neighbour read, not a
    /// diffusion: the name is kept for callers.
    /// </summary>
    public static Tensor DiffusionKernel(int morphogens)
    {
        float e = 1f / 8f;
        var mean = new float[] { e, e, e, e, 0, e, e, e, e };
        var sobel = NcaDecoder.PerceptionKernel(1).narrow(0, 1, 2).reshape(-1).data<float>().ToArray();
        var k = mean.Concat(sobel).ToArray();
        return torch.tensor(k, new long[] { 3, 1, 3, 3 }).repeat(morphogens, 1, 1, 1);
    }

    /// <summary>The layout of the DNA when the genome is a nucleotide sequence (<see cref="GrnOptions.Sequence"/>); null for vector genomes.</summary>
    public NucleotideLayout? Layout => affinity?.Layout;

    /// <summary>
    /// Names of the N + 3M regulatory inputs, in the column order of W: the genes <c>g0</c>.., then per morphogen k its
    /// neighbour mean, x gradient and y gradient (<c>g0 mean</c>, <c>g0 dx</c>, <c>g0 dy</c>, ..).
    /// </summary>
    public IReadOnlyList<string> RegulatorNames =>
        Enumerable.Range(0, genes).Select(g => $"g{g}")
            .Concat(Enumerable.Range(0, morphogens).SelectMany(k => new[] { $"g{k} mean", $"g{k} dx", $"g{k} dy" })).ToArray();

    /// <summary>
    /// The regulatory weights (B, N, N + 3M) and biases (B, N) a genome batch sets: read by the hypernetwork from a vector
    /// genome, or by <see cref="SequenceAffinity"/> from a DNA sequence (flattened one-hot, (B, 4 L)) and added to W0, b0.
    /// </summary>
    public (Tensor Weights, Tensor Bias) Regulation(Tensor genome)
    {
        CheckGenome(genome);
        long b = genome.shape[0];
        if (affinity is not null)
        {
            var regulation = affinity.forward(genome.view(b, affinity.Layout.Length, 4));           // (B, N, N+3M), (B, N)
            return (regulation.Weights.Plus(baseWeights), regulation.Biases.Plus(baseBias));
        }
        var flat = hyperOut!.forward(nn.functional.tanh(hyperHidden!.forward(genome)));            // (B, N(N+M) + N)
        var w = flat.narrow(1, 0, genes * RegulatoryInputs).view(b, genes, RegulatoryInputs).Plus(baseWeights); // (B, N, N+M)
        var bias = flat.narrow(1, genes * RegulatoryInputs, genes).Plus(baseBias);                  // (B, N)
        return (w, bias);
    }

    /// <inheritdoc />
    protected override Tensor Grow(Tensor genome, int steps, Generator generator, ISet<int> capture, Action<Tensor> record)
    {
        var (w, bias) = Regulation(genome);
        var factors = maternal is null ? null : nn.functional.tanh(maternal.forward(genome));  // (B, N - P - 1)
        return GrowFrom(w, bias, factors, steps, generator, capture, record);
    }

    /// <summary>
    /// Develops from regulatory weights (B, N, N + M) and biases (B, N) supplied by the caller (for example a
    /// sequence -> affinity layer of a nucleotide genome) instead of the hypernetwork. Returns phenotype logits (B, P, H, W).
    /// </summary>
    public DevelopmentResult DevelopFrom(Tensor weights, Tensor bias, Generator? generator, IReadOnlyCollection<int>? capture = null, int? steps = null)
    {
        if (weights.dim() != 3 || weights.shape[1] != genes || weights.shape[2] != RegulatoryInputs)
            throw new UserInputException($"GrnDecoder expects regulatory weights (B, {genes}, {RegulatoryInputs}), got ({string.Join(", ", weights.shape)}).");
        if (bias.dim() != 2 || bias.shape[0] != weights.shape[0] || bias.shape[1] != genes)
            throw new UserInputException($"GrnDecoder expects biases ({weights.shape[0]}, {genes}), got ({string.Join(", ", bias.shape)}).");
        return Develop(weights.device, generator, capture, steps, (n, g, wanted, record) => GrowFrom(weights, bias, null, n, g, wanted, record));
    }

    private Tensor GrowFrom(Tensor w, Tensor bias, Tensor? maternalFactors, int steps, Generator generator, ISet<int> capture, Action<Tensor> record)
    {
        long b = w.shape[0];
        var device = w.device;
        var x = Zygote(b, maternalFactors, device);                                     // (B, N, G, G)
        var biasMap = bias.view(b, genes, 1);                                          // (B, N, 1)
        if (capture.Contains(0)) record(Readout(x));
        for (int t = 1; t <= steps; t++)
        {
            var previous = x;
            using (var scope = torch.NewDisposeScope())
            {
                var noise = NoiseLevel > 0 ? torch.randn(x.shape, generator: generator, device: device) : null;
                x = Step(x, w, biasMap, noise).MoveToOuterDisposeScope();
            }
            previous.Dispose();
            if (capture.Contains(t)) record(Readout(x));
        }
        return Readout(x);
    }

    /// <summary>
    /// One GRN step on expression (B, N, G, G) with weights (B, N, N + M) and biases (B, N, 1); <paramref name="noise"/>
    /// (B, N, G, G) standard normal draws, scaled here by <see cref="DevelopmentalDecoder.NoiseLevel"/>, or null without noise.
    /// </summary>
    internal Tensor Step(Tensor x, Tensor w, Tensor biasMap, Tensor? noise)
    {
        long b = x.shape[0], g = x.shape[2], cells = g * g;
        double threshold = Options.AliveThreshold;
        Tensor alivePre;
        using (torch.no_grad()) alivePre = CellMasks.Alive(x.narrow(1, readout, 1), threshold);    // (B, 1, G, G) 0/1
        // The depthwise convolution as an ordinary one over B M single-channel planes (same kernels, same sums; faster on CPU).
        var signals = nn.functional.conv2d(x.narrow(1, 0, morphogens).reshape(b * morphogens, 1, g, g), diffusion.narrow(0, 0, 3),
            padding: new long[] { 1, 1 }).view(b, 3 * morphogens, g, g);                                // (B, 3M, G, G)
        var inputs = torch.cat(new[] { x, signals }, 1).view(b, RegulatoryInputs, cells);           // (B, N+3M, G*G)
        var drive = torch.bmm(w, inputs).Add_(biasMap).view(b, genes, g, g);                        // (B, N, G, G) = W [x; s] + b
        var target = Options.Activation == "sigmoid" ? torch.sigmoid(drive) : Tanh(drive);
        Tensor next;
        if (Options.Dynamics == "kouvaris")
            next = x.Mul(1.0 - Options.Tau2).Add_(target.Mul(Options.Tau1));                        // x + tau1 f(.) - tau2 x
        else
        {
            using var weight = ScalarMath.Full(Array.Empty<long>(), Options.Tau, x.dtype, x.device);  // tau as a 0-dim tensor on x's device
            next = torch.lerp(x, target, weight);                                                      // (1 - tau) x + tau f(.)
        }
        if (noise is not null) next = next.Plus(noise.Mul(NoiseLevel));
        using (torch.no_grad()) alivePre.mul_(CellMasks.Alive(next.narrow(1, readout, 1), threshold)); // alive before and after
        return next * alivePre;
    }

    /// <summary>
    /// tanh(v) = 2 sigmoid(2 v) - 1, an identity (ours to use here): libtorch 2.10's CPU tanh took about 5x as long as its
    /// sigmoid on GRN-sized tensors (520 vs 107 us on 196,608 values). Within about 1e-7 of tanh, absolute.
    /// </summary>
    internal static Tensor Tanh(Tensor v) => torch.sigmoid(v.Mul(2.0)).Mul(2.0).Add_(-1.0); // sigmoid keeps its output for backward: no in-place on it

    /// <summary>The zygote grids (B, N, G, G) from maternal factors (B, N - P - 1), or zeros in their place.</summary>
    internal Tensor Zygote(long b, Tensor? maternalFactors, Device device)
    {
        var zygote = torch.cat(new[]
        {
            torch.zeros(b, readout, device: device),
            torch.ones(b, 1, device: device),
            maternalFactors ?? torch.zeros(b, genes - readout - 1, device: device),
        }, 1);                                                                           // (B, N)
        return zygote.view(b, genes, 1, 1) * CentreCell(device);                       // (B, N, G, G)
    }

    private Tensor Readout(Tensor x) => readoutBias.AddCMul(x.narrow(1, 0, readout), readoutGain, 1);        // (B, P, G, G)
}
