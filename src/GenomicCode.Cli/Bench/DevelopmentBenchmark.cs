using System.Diagnostics;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Cli.Bench;

/// <summary>
/// The development benchmark workload (bench/README.md describes it exactly, for peers in other frameworks): a batch
/// of genomes grows on a square grid from one seed cell for a fixed number of steps; the training step adds a
/// Bernoulli loss against a fixed disc, backward through every step, and an Adam update.
/// </summary>
public sealed record DevelopmentWorkload
{
    /// <summary>Decoder: <c>nca</c> or <c>grn</c>. Default <c>nca</c>.</summary>
    public string Decoder { get; init; } = "nca";

    /// <summary>Organisms per batch (1..4096). Default 32.</summary>
    public int Batch { get; init; } = 32;

    /// <summary>Grid side (3..1024); also the phenotype side. Default 32.</summary>
    public int Grid { get; init; } = 32;

    /// <summary>Channels (NCA) or genes (GRN) per cell. Default 16.</summary>
    public int Channels { get; init; } = 16;

    /// <summary>Developmental steps (1..10000). Default 48.</summary>
    public int Steps { get; init; } = 48;

    /// <summary>Stochastic update probability per cell and step. Default 0.5.</summary>
    public double FireRate { get; init; } = 0.5;

    /// <summary>Genome width. Default 16.</summary>
    public int GenomeSize { get; init; } = 16;

    /// <summary>Hidden width of the per-cell MLP (NCA) or hypernetwork (GRN). Default 128.</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary>Adam learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Timed iterations of each measurement (1..100000). Default 20.</summary>
    public int Iterations { get; init; } = 20;

    /// <summary>Untimed warm-up iterations before each measurement. Default 3.</summary>
    public int Warmup { get; init; } = 3;

    /// <summary>
    /// How development starts: <c>seed</c> (one living cell at the centre, the rest empty; the default) or <c>full</c>
    /// (every cell a copy of the seed cell, so the whole grid is alive from the first step: the worst case for
    /// <see cref="SparseUpdates"/>).
    /// </summary>
    public string Start { get; init; } = "seed";

    /// <summary>NCA: run the per-cell network only on firing cells next to a living cell (<see cref="NcaOptions.SparseUpdates"/>). Default true.</summary>
    public bool SparseUpdates { get; init; } = true;

    /// <summary>Seed of weights, genomes and update masks. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public DevelopmentWorkload Validate()
    {
        if (Decoder is not ("nca" or "grn")) throw new UserInputException($"--decoder must be nca or grn for the development benchmark, got '{Decoder}'.");
        Guard.InRange(Batch, 1, 4096);
        if (Grid < 3 || Grid > 1024) throw new UserInputException($"--grid must be in [3, 1024] (at least the 3x3 perception kernel), got {Grid}.");
        Guard.InRange(Channels, 3, 256);
        if (Steps < 1 || Steps > 10_000) throw new UserInputException($"--steps must be in [1, 10000], got {Steps}.");
        if (!(FireRate > 0 && FireRate <= 1)) throw new UserInputException($"fire rate must be in (0, 1], got {FireRate}.");
        Guard.InRange(GenomeSize, 1, 1024);
        Guard.InRange(HiddenSize, 8, 4096);
        Guard.Positive(LearningRate);
        if (Iterations < 1 || Iterations > 100_000) throw new UserInputException($"--iterations must be in [1, 100000], got {Iterations}.");
        if (Start is not ("seed" or "full")) throw new UserInputException($"--start must be seed or full, got '{Start}'.");
        if (Warmup < 0) throw new UserInputException($"warm-up must be >= 0, got {Warmup}.");
        return this;
    }

    /// <summary>The decoder options this workload implies: <see cref="NcaOptions"/> or <see cref="GrnOptions"/>.</summary>
    public CellularOptions ToOptions() => Decoder == "nca"
        ? new NcaOptions { Steps = Steps, FireRate = FireRate, Channels = Channels, HiddenSize = HiddenSize, Grid = Grid, Noise = 0, SparseUpdates = SparseUpdates, Start = Start }
        : new GrnOptions { Steps = Steps, Channels = Channels, HiddenSize = HiddenSize, Grid = Grid, Noise = 0, Start = Start };
}

/// <summary>What the development benchmark measured (JSON keys in snake_case).</summary>
public sealed record DevelopmentBenchmarkResult
{
    /// <summary>The workload measured.</summary>
    [JsonPropertyName("workload")] public required DevelopmentWorkload Workload { get; init; }

    /// <summary>Organism-steps per second of forward development without gradients (batch x steps / median time).</summary>
    [JsonPropertyName("forward_organism_steps_per_second")] public double ForwardOrganismStepsPerSecond { get; init; }

    /// <summary>Median seconds of one forward development of the batch.</summary>
    [JsonPropertyName("forward_seconds_median")] public double ForwardSecondsMedian { get; init; }

    /// <summary>Organism-steps per second of training (batch x steps / median train-step time).</summary>
    [JsonPropertyName("train_organism_steps_per_second")] public double TrainOrganismStepsPerSecond { get; init; }

    /// <summary>Median seconds of one training step (development + loss + backward + Adam).</summary>
    [JsonPropertyName("train_step_seconds_median")] public double TrainStepSecondsMedian { get; init; }

    /// <summary>Median CPU seconds (all threads of the process) of one training step: less sensitive to other processes on shared cores than wall time.</summary>
    [JsonPropertyName("train_step_cpu_seconds_median")] public double TrainStepCpuSecondsMedian { get; init; }

    /// <summary>Median CPU seconds of one forward development.</summary>
    [JsonPropertyName("forward_cpu_seconds_median")] public double ForwardCpuSecondsMedian { get; init; }

    /// <summary>Peak resident memory of the process (VmHWM) in MiB.</summary>
    [JsonPropertyName("peak_rss_mb")] public double PeakRssMb { get; init; }

    /// <summary>Resident memory after the warm-up training steps, MiB.</summary>
    [JsonPropertyName("rss_mb_after_warmup")] public double RssMbAfterWarmup { get; init; }

    /// <summary>Resident memory after the last training step, MiB.</summary>
    [JsonPropertyName("rss_mb_end")] public double RssMbEnd { get; init; }

    /// <summary>Live TorchSharp tensors (dispose-scope statistics) after the warm-up training steps.</summary>
    [JsonPropertyName("live_tensors_after_warmup")] public long LiveTensorsAfterWarmup { get; init; }

    /// <summary>Live TorchSharp tensors after the last training step.</summary>
    [JsonPropertyName("live_tensors_end")] public long LiveTensorsEnd { get; init; }

    /// <summary>libtorch intra-op threads.</summary>
    [JsonPropertyName("threads")] public int Threads { get; init; }

    /// <summary>Device measured on.</summary>
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";

    /// <summary>Final training loss (a sanity check that training ran).</summary>
    [JsonPropertyName("final_loss")] public double FinalLoss { get; init; }

    /// <summary>OpenMP wait policy in force (OMP_WAIT_POLICY).</summary>
    [JsonPropertyName("omp_wait_policy")] public string OmpWaitPolicy { get; init; } = "";

    /// <summary>1-minute load average of the machine at the end (other processes compete for the cores when it exceeds the core count).</summary>
    [JsonPropertyName("load_average")] public double LoadAverage { get; init; }

    /// <summary>TorchSharp version.</summary>
    [JsonPropertyName("torchsharp")] public string TorchSharp { get; init; } = "";
}

/// <summary>Runs the development benchmark (forward development, then training steps) on one device.</summary>
public static class DevelopmentBenchmark
{
    /// <summary>Measures <paramref name="workload"/> on <paramref name="device"/>; <paramref name="progress"/> gets a line per phase.</summary>
    public static DevelopmentBenchmarkResult Run(DevelopmentWorkload workload, Device device, Action<string>? progress = null)
    {
        workload.Validate();
        NativeRuntime.EnsureLoaded();
        NativeRuntime.ConfigureMalloc();
        torch.random.manual_seed(workload.Seed);
        var shape = (1, workload.Grid, workload.Grid);
        using DevelopmentalDecoder decoder = workload.Decoder == "nca"
            ? new NcaDecoder(workload.GenomeSize, shape, (NcaOptions)workload.ToOptions())
            : new GrnDecoder(workload.GenomeSize, shape, (GrnOptions)workload.ToOptions());
        decoder.to(device);
        using var genomes = torch.randn(new long[] { workload.Batch, workload.GenomeSize }, generator: new Generator((ulong)workload.Seed, torch.CPU)).to(device);
        using var target = Disc(workload.Batch, workload.Grid, device);
        using var generator = new Generator((ulong)workload.Seed + 1, device);
        double organismSteps = (double)workload.Batch * workload.Steps;

        // 1. Forward development without gradients.
        decoder.eval();
        progress?.Invoke($"forward: {workload.Warmup} warm-up + {workload.Iterations} timed developments");
        var forward = new List<double>();
        var forwardCpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < workload.Warmup + workload.Iterations; i++)
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var logits = decoder.Develop(genomes, generator).Phenotype;
            logits.sum().item<float>(); // wait for the result (asynchronous devices)
            if (i >= workload.Warmup) forward.Add(watch.Elapsed.TotalSeconds);
            process.Refresh();
            if (i >= workload.Warmup) forwardCpu.Add((process.TotalProcessorTime - cpu0).TotalSeconds);
        }

        // 2. Training steps: development unrolled + loss + backward + Adam.
        decoder.train();
        var parameters = decoder.parameters().ToList();
        using var adam = new HeldScalarOptimizers.Adam(parameters, workload.LearningRate);
        progress?.Invoke($"train: {workload.Warmup} warm-up + {workload.Iterations} timed steps");
        var train = new List<double>();
        var trainCpu = new List<double>();
        long liveAfterWarmup = 0;
        double rssAfterWarmup = 0, loss = double.NaN;
        for (int i = 0; i < workload.Warmup + workload.Iterations; i++)
        {
            if (i == workload.Warmup)
            {
                liveAfterWarmup = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                rssAfterWarmup = RssMb("VmRSS");
            }
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            using (var scope = torch.NewDisposeScope())
            {
                adam.zero_grad();
                var logits = decoder.Develop(genomes, generator).Phenotype;
                var l = nn.functional.binary_cross_entropy_with_logits(logits, target);
                l.backward();
                adam.step();
                loss = l.item<float>();
            }
            if (i >= workload.Warmup) train.Add(watch.Elapsed.TotalSeconds);
            process.Refresh();
            if (i >= workload.Warmup) trainCpu.Add((process.TotalProcessorTime - cpu0).TotalSeconds);
            if (progress is not null && (i + 1) % 100 == 0) progress($"  step {i + 1}: {watch.Elapsed.TotalSeconds:F3} s, loss {loss:F4}, rss {RssMb("VmRSS"):F0} MiB, live tensors {DisposeScopeManager.Statistics.ThreadTotalLiveCount}");
        }
        double f = Median(forward), t = Median(train);
        return new DevelopmentBenchmarkResult
        {
            Workload = workload,
            ForwardSecondsMedian = f,
            ForwardOrganismStepsPerSecond = organismSteps / f,
            TrainStepSecondsMedian = t,
            TrainOrganismStepsPerSecond = organismSteps / t,
            TrainStepCpuSecondsMedian = Median(trainCpu),
            ForwardCpuSecondsMedian = Median(forwardCpu),
            PeakRssMb = RssMb("VmHWM"),
            RssMbAfterWarmup = rssAfterWarmup,
            RssMbEnd = RssMb("VmRSS"),
            LiveTensorsAfterWarmup = liveAfterWarmup,
            LiveTensorsEnd = DisposeScopeManager.Statistics.ThreadTotalLiveCount,
            Threads = torch.get_num_threads(),
            Device = device.ToString(),
            FinalLoss = loss,
            OmpWaitPolicy = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "default",
            LoadAverage = LoadAverage1(),
            TorchSharp = typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
        };
    }

    /// <summary>The target phenotypes (B, 1, G, G): 1 inside the disc of radius G/4 around the centre cell, else 0.</summary>
    public static Tensor Disc(int batch, int grid, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var r = ScalarMath.Arange(grid, ScalarType.Float32, device).Sub(grid / 2);         // (G)
        var d2 = r.view(-1, 1).Pow(2).Plus(r.view(1, -1).Pow(2));                               // (G, G)
        var disc = d2.Le(grid * grid / 16.0).to(ScalarType.Float32);
        return disc.view(1, 1, grid, grid).expand(batch, 1, grid, grid).contiguous().MoveToOuterDisposeScope();
    }

    internal static double Median(IReadOnlyList<double> xs)
    {
        var s = xs.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    internal static double LoadAverage1()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path)) return double.NaN;
        return double.Parse(File.ReadAllText(path).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A /proc/self/status field (VmRSS, VmHWM) in MiB; the working set where /proc is absent.</summary>
    public static double RssMb(string field)
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return double.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        }
        using var p = Process.GetCurrentProcess();
        return (field == "VmHWM" ? p.PeakWorkingSet64 : p.WorkingSet64) / (1024.0 * 1024.0);
    }
}
