using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>Options of the energy-landscape decoder.</summary>
public sealed record LandscapeOptions : DevelopmentOptions
{
    /// <summary>Step size eta of the Langevin update (> 0). Default 0.1.</summary>
    public double StepSize { get; init; } = 0.1;

    /// <summary>Width of the first dense layer of the transposed-convolution readout (8..8192). Default 256.</summary>
    public int ReadoutHiddenSize { get; init; } = 256;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Guard.Positive(StepSize);
        Guard.InRange(ReadoutHiddenSize, 8, 8192);
    }
}

/// <summary>
/// Development as descent on a genome-shaped energy landscape (Waddington's landscape). The organism's state x (K
/// dimensions, K = Channels) starts at 0 and follows overdamped Langevin dynamics (Welling and Teh 2011, eq. 4 with
/// the prior folded into E): x &lt;- x - eta * dE(x; g)/dx + sqrt(2 eta T) * noise, with T = Noise. The learned potential
/// E(x; g) = 0.5 |x|^2 + v . tanh(A x + C g + a) (a confining bowl plus a genome-conditioned one-hidden-layer network;
/// smooth, so gradients pass through the unrolled steps with create_graph). A transposed-convolution readout
/// (<see cref="ConvDecoder"/>) maps the final state to phenotype logits.
/// </summary>
public sealed class LandscapeDecoder : DevelopmentalDecoder, IEnergyLandscape
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<LandscapeOptions, DecoderContext, GenomeDecoder> Entry { get; } = new(
        "landscape", "Langevin descent of a state on a genome-shaped energy landscape (Waddington), read out by transposed convolutions.",
        "Welling and Teh 2011, Bayesian learning via stochastic gradient Langevin dynamics (ICML), eq. 4; the landscape: Waddington 1957",
        (o, c) => new LandscapeDecoder(c.GenomeSize, c.PhenotypeShape, o));

    private readonly Linear stateIn;    // A: K -> H (with bias a)
    private readonly Linear genomeIn;   // C: D -> H (no bias)
    private readonly Linear energyOut;  // v: H -> 1 (no bias)
    private readonly ConvDecoder readout;
    private readonly int stateSize;

    /// <summary>Creates the decoder for genomes of <paramref name="genomeSize"/> and phenotypes of the given shape.</summary>
    public LandscapeDecoder(int genomeSize, (int Channels, int Height, int Width) phenotypeShape, LandscapeOptions options)
        : base(nameof(LandscapeDecoder), genomeSize, phenotypeShape, options)
    {
        stateSize = options.Channels;
        stateIn = Linear(stateSize, options.HiddenSize);
        genomeIn = Linear(genomeSize, options.HiddenSize, hasBias: false);
        energyOut = Linear(options.HiddenSize, 1, hasBias: false);
        readout = new ConvDecoder(stateSize, phenotypeShape, new ConvDecoderOptions { HiddenSize = options.ReadoutHiddenSize });
        RegisterComponents();
    }

    /// <summary>The landscape's options.</summary>
    public LandscapeOptions Options => (LandscapeOptions)SharedOptions;

    /// <summary>Dimensions K of the developmental state.</summary>
    public int StateSize => stateSize;

    /// <inheritdoc />
    public double StepSize => Options.StepSize;

    /// <inheritdoc />
    public int Steps => Options.Steps;

    /// <summary>The potential E(x; g) (B) of states (B, K) under genomes (B, D).</summary>
    public Tensor Energy(Tensor state, Tensor genome)
    {
        var bowl = state.Pow(2).sum(dim: 1).Mul(0.5);                                                   // (B)
        var h = nn.functional.tanh(stateIn.forward(state).Plus(genomeIn.forward(genome)));                 // (B, H)
        return bowl.Plus(energyOut.forward(h).squeeze(1));                                              // (B)
    }

    /// <summary>
    /// The developmental trajectory of states: returns the final state (B, K) and calls <paramref name="record"/> with
    /// the state at each step in <paramref name="capture"/>. Differentiable through every step when gradients are on.
    /// </summary>
    public Tensor Descend(Tensor genome, int steps, Generator generator, ISet<int>? capture = null, Action<Tensor>? record = null)
    {
        bool buildGraph = torch.is_grad_enabled();
        using var grad = torch.enable_grad();
        long b = genome.shape[0];
        double eta = Options.StepSize, temperature = NoiseLevel;
        var x = torch.zeros(b, stateSize, device: genome.device);
        bool kept = capture?.Contains(0) == true && record is not null;
        if (kept) record!.Invoke(x);
        for (int t = 1; t <= steps; t++)
        {
            var previous = x;
            using (var scope = torch.NewDisposeScope())
            {
                var xIn = x.requires_grad ? x : x.detach().requires_grad_(true);
                var energy = Energy(xIn, genome).sum();
                var grads = torch.autograd.grad(new[] { energy }, new[] { xIn }, retain_graph: buildGraph, create_graph: buildGraph);
                var next = xIn - grads[0].Mul(eta);                                                   // (B, K)
                foreach (var d in grads) d.Dispose();
                if (temperature > 0) next = next.Plus(torch.randn(next.shape, generator: generator, device: genome.device).Mul_(Math.Sqrt(2 * eta * temperature)));
                x = (buildGraph ? next : next.detach()).MoveToOuterDisposeScope();
            }
            if (!kept) previous.Dispose(); // a recorded state belongs to the caller
            kept = capture?.Contains(t) == true && record is not null;
            if (kept) record!.Invoke(x);
        }
        return x;
    }

    /// <inheritdoc />
    protected override Tensor Grow(Tensor genome, int steps, Generator generator, ISet<int> capture, Action<Tensor> record)
    {
        var final = Descend(genome, steps, generator, capture, s => record(readout.forward(s)));
        return readout.forward(final);
    }
}
