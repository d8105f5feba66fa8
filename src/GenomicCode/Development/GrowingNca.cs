using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenomicCode.Development;

/// <summary>
/// Options of the Growing NCA automaton. Defaults are those of Mordvintsev et al. 2020 ("Growing neural cellular
/// automata", Distill; its notebook's CHANNEL_N = 16, a 128-wide hidden layer, CELL_FIRE_RATE = 0.5, alive threshold 0.1).
/// </summary>
public sealed record GrowingNcaOptions
{
    /// <summary>State channels per cell: RGBA (channels 0-3, alpha = 3) plus hidden ones (5..64). Default 16.</summary>
    public int Channels { get; init; } = 16;

    /// <summary>Width of the per-cell network's hidden layer (1..4096). Default 128.</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary>Probability that a cell applies its update in a step, in (0, 1]. Default 0.5.</summary>
    public double FireRate { get; init; } = 0.5;

    /// <summary>A cell is alive when some alpha of its 3x3 neighbourhood exceeds this, in [0, 1). Default 0.1.</summary>
    public double AliveThreshold { get; init; } = 0.1;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range.</summary>
    public GrowingNcaOptions Validate()
    {
        if (Channels < 5 || Channels > 64) throw new UserInputException($"Channels must be in [5, 64] (RGBA plus at least one hidden channel), got {Channels}.");
        if (HiddenSize < 1 || HiddenSize > 4096) throw new UserInputException($"HiddenSize must be in [1, 4096], got {HiddenSize}.");
        if (!(FireRate > 0 && FireRate <= 1)) throw new UserInputException($"FireRate must be in (0, 1], got {FireRate}.");
        if (!(AliveThreshold >= 0 && AliveThreshold < 1)) throw new UserInputException($"AliveThreshold must be in [0, 1), got {AliveThreshold}.");
        return this;
    }
}

/// <summary>
/// The automaton of Growing NCA (Mordvintsev et al. 2020, Distill), with no genome: one set of weights grows one target
/// pattern from one seed cell. Channels 0-2 are premultiplied RGB, channel 3 is alpha, the rest are hidden. A step:
/// perception = identity, Sobel x / 8 and Sobel y / 8 of every channel (one depthwise convolution, the kernels of
/// <see cref="NcaDecoder.PerceptionKernel"/>); update = 1x1 convolution 3C -> hidden (ReLU) -> 1x1 convolution hidden -> C
/// with the last layer's weights and bias zero at start ("do nothing" initialisation); each cell applies its update with
/// probability <see cref="GrowingNcaOptions.FireRate"/>; a cell survives the step when its 3x3 neighbourhood holds an
/// alpha above the threshold both before and after the update (<see cref="CellMasks.Alive"/>).
/// </summary>
public sealed class GrowingNca : Module<Tensor, Tensor>
{
    /// <summary>The alpha channel.</summary>
    public const int Alpha = 3;

    /// <summary>Channels compared with the target: RGBA.</summary>
    public const int Visible = 4;

    private static readonly object InitLock = new();
    private readonly Tensor perception;   // (3C, 1, 3, 3) fixed kernels: identity, Sobel x, Sobel y per channel
    private readonly Conv2d hidden;       // 3C -> H, 1x1
    private readonly Conv2d update;       // H -> C, 1x1, zero-initialised

    /// <summary>Creates the automaton with weights drawn from <paramref name="seed"/> (libtorch's default initialisation).</summary>
    public GrowingNca(GrowingNcaOptions options, long seed, Device? device = null) : base(nameof(GrowingNca))
    {
        Options = options.Validate();
        int c = options.Channels;
        lock (InitLock) // libtorch's initialisers draw layer weights from its one global generator
        {
            torch.random.manual_seed(Seeds.DeriveNonNegative(seed, 1));
            hidden = Conv2d(3 * c, options.HiddenSize, 1);
            update = Conv2d(options.HiddenSize, c, 1);
        }
        using (torch.no_grad())
        {
            update.weight!.zero_();                                              // Mordvintsev et al. 2020: zero-initialised last layer
            update.bias!.zero_();
        }
        perception = NcaDecoder.PerceptionKernel(c);
        RegisterComponents();
        if (device is not null && device.type != DeviceType.CPU) this.to(device);
    }

    /// <summary>The automaton's options.</summary>
    public GrowingNcaOptions Options { get; }

    /// <summary>State channels.</summary>
    public int Channels => Options.Channels;

    /// <summary>
    /// The seed state (B, C, H, W): zero except the cell at (H / 2, W / 2), whose alpha and hidden channels are 1 (the
    /// notebook's <c>make_seed</c>: <c>x[h // 2, w // 2, 3:] = 1</c>).
    /// </summary>
    public Tensor Seed(long batch, int height, int width, Device? device = null)
    {
        if (batch < 1 || height < 1 || width < 1) throw new UserInputException($"a seed grid needs batch, height and width >= 1, got {batch}, {height}, {width}.");
        var state = torch.zeros(batch, Channels, height, width, device: device ?? perception.device);
        using (torch.no_grad())
            state.narrow(2, height / 2, 1).narrow(3, width / 2, 1).narrow(1, Alpha, Channels - Alpha).Fill_(1.0);
        return state;
    }

    /// <summary>Perception (B, 3C, H, W) of a state (B, C, H, W): per channel its value, Sobel x / 8 and Sobel y / 8, zero padding.</summary>
    public Tensor Perceive(Tensor state) =>
        nn.functional.conv2d(state, perception, padding: new long[] { 1, 1 }, groups: Channels);

    /// <summary>The per-cell update dx (B, C, H, W) of a state, before the fire mask.</summary>
    public Tensor Update(Tensor state)
    {
        var h = hidden.forward(Perceive(state)).relu_();                           // (B, H, H, W)
        return update.forward(h);                                                  // (B, C, H, W)
    }

    /// <summary>
    /// One step on a state (B, C, H, W): x + dx * fire, then every cell without a living neighbourhood both before and
    /// after is zeroed (Mordvintsev et al. 2020, "Model"). The fire mask is drawn from <paramref name="generator"/>.
    /// </summary>
    public Tensor Step(Tensor state, Generator generator)
    {
        long b = state.shape[0], h = state.shape[2], w = state.shape[3];
        Tensor alive;
        using (torch.no_grad())
            alive = CellMasks.Alive(state.narrow(1, Alpha, 1), Options.AliveThreshold);                   // (B, 1, H, W) before
        var fire = torch.rand(new long[] { b, 1, h, w }, generator: generator, device: state.device).Lt_(Options.FireRate); // (B, 1, H, W) 0/1
        var next = state.AddCMul(Update(state), fire, 1);                                                   // x + dx * fire
        using (torch.no_grad())
            alive.mul_(CellMasks.Alive(next.narrow(1, Alpha, 1), Options.AliveThreshold));                 // and after
        return next.mul(alive);
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps from <paramref name="state"/>, one dispose scope per step; <paramref name="record"/>
    /// (when given) sees the state after each step (1..steps). Returns the final state.
    /// </summary>
    public Tensor Develop(Tensor state, int steps, Generator generator, Action<int, Tensor>? record = null)
    {
        var current = state;
        for (int t = 1; t <= steps; t++)
        {
            var previous = current;
            using (var scope = torch.NewDisposeScope())
                current = Step(current, generator).MoveToOuterDisposeScope();
            if (!ReferenceEquals(previous, state)) previous.Dispose(); // autograd keeps what it saved
            record?.Invoke(t, current);
        }
        return current;
    }

    /// <summary>One step (see <see cref="Step"/>) with a generator seeded 0; prefer <see cref="Step"/> with your own generator.</summary>
    public override Tensor forward(Tensor state) => Step(state, new Generator(0, state.device));

    /// <summary>The visible channels (B, 4, H, W): premultiplied RGBA.</summary>
    public static Tensor Rgba(Tensor state) => state.narrow(1, 0, Visible);

    /// <summary>
    /// The loss of each organism (B): the mean over RGBA channels and cells of (x - target)^2, the notebook's
    /// <c>loss_f</c> (Mordvintsev et al. 2020, "Learning to grow": L2 loss on RGBA). <paramref name="target"/> is
    /// (1, 4, H, W) or (B, 4, H, W).
    /// </summary>
    public static Tensor Loss(Tensor state, Tensor target)
    {
        if (target.shape.Length != 4 || target.shape[1] != Visible || target.shape[2] != state.shape[2] || target.shape[3] != state.shape[3])
            throw new UserInputException($"the target must be (1, 4, {state.shape[2]}, {state.shape[3]}) RGBA, got ({string.Join(", ", target.shape)}).");
        return Rgba(state).Add(target, -1.0).Square().mean(new long[] { 1, 2, 3 });
    }
}
