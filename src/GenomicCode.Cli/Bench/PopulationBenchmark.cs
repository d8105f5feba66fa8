using System.Diagnostics;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Gpu;

namespace GenomicCode.Cli.Bench;

/// <summary>
/// The population development benchmark (bench/README.md): P individuals, each with its own decoder weights
/// (<see cref="InitialWeights"/>, seeded), grow K shared genomes for a fixed number of steps from one seed cell, forward
/// only, with common random numbers; timed for each P on one backend.
/// </summary>
public sealed record PopulationWorkload
{
    /// <summary>Decoder: <c>nca</c> or <c>grn</c>.</summary>
    public string Decoder { get; init; } = "nca";

    /// <summary>Population sizes P measured, in order.</summary>
    public int[] Populations { get; init; } = { 32 };

    /// <summary>Genomes K each individual grows. Default 1.</summary>
    public int Genomes { get; init; } = 1;

    /// <summary>Grid side (also the phenotype side). Default 32.</summary>
    public int Grid { get; init; } = 32;

    /// <summary>Channels (NCA) or genes (GRN) per cell. Default 16.</summary>
    public int Channels { get; init; } = 16;

    /// <summary>Hidden width: the NCA's per-cell network, the GRN's hypernetwork. Default 128.</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>GRN morphogens. Default 4.</summary>
    public int Morphogens { get; init; } = 4;

    /// <summary>Developmental steps. Default 48.</summary>
    public int Steps { get; init; } = 48;

    /// <summary>NCA fire rate. Default 0.5.</summary>
    public double FireRate { get; init; } = 0.5;

    /// <summary>Genome width. Default 16.</summary>
    public int GenomeSize { get; init; } = 16;

    /// <summary><c>seed</c> (one living cell) or <c>full</c> (every cell alive from the start).</summary>
    public string Start { get; init; } = "seed";

    /// <summary><c>torch</c> (one batched TorchSharp call), <c>loop</c> (one development per individual) or <c>ilgpu</c>.</summary>
    public string Backend { get; init; } = "torch";

    /// <summary>ILGPU accelerator: <c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>.</summary>
    public string Accelerator { get; init; } = "auto";

    /// <summary>Timed developments per P. Default 5.</summary>
    public int Iterations { get; init; } = 5;

    /// <summary>Untimed developments per P first. Default 1.</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>Seed of weights, genomes and draws. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>ILGPU: compare the accelerator with the CPU accelerator on a small population first.</summary>
    public bool Check { get; init; }

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public PopulationWorkload Validate()
    {
        if (Decoder is not ("nca" or "grn")) throw new UserInputException($"--decoder must be nca or grn for the population benchmark, got '{Decoder}'.");
        if (Backend is not ("torch" or "loop" or "ilgpu")) throw new UserInputException($"--backend must be torch, loop or ilgpu, got '{Backend}'.");
        if (Populations.Length == 0 || Populations.Any(p => p < 1 || p > 1_000_000)) throw new UserInputException($"--population must list sizes in [1, 1000000], got '{string.Join(",", Populations)}'.");
        if (Genomes < 1 || Genomes > 4096) throw new UserInputException($"--genomes must be in [1, 4096], got {Genomes}.");
        if (Grid < 3 || Grid > 1024) throw new UserInputException($"--grid must be in [3, 1024] (at least the 3x3 perception kernel), got {Grid}.");
        Guard.InRange(Channels, 3, 256);
        Guard.InRange(Hidden, 1, 4096);
        if (Decoder == "grn" && (Morphogens < 1 || Morphogens > Channels)) throw new UserInputException($"--morphogens must be in [1, channels = {Channels}], got {Morphogens}.");
        if (Steps < 1 || Steps > 10_000) throw new UserInputException($"--steps must be in [1, 10000], got {Steps}.");
        if (Iterations < 1 || Iterations > 100_000) throw new UserInputException($"--iterations must be in [1, 100000], got {Iterations}.");
        if (Warmup < 0) throw new UserInputException($"--warmup must be >= 0, got {Warmup}.");
        if (Start is not ("seed" or "full")) throw new UserInputException($"--start must be seed or full, got '{Start}'.");
        if (Check && Backend != "ilgpu") throw new UserInputException("--check compares an ILGPU accelerator with the CPU accelerator; use it with --backend ilgpu.");
        return this;
    }

    /// <summary>The NCA spec of this workload.</summary>
    public NcaSpec Nca => new()
    {
        GenomeSize = GenomeSize, Channels = Channels, Hidden = Hidden, Grid = Grid, FireRate = FireRate, FullStart = Start == "full",
    };

    /// <summary>The GRN spec of this workload.</summary>
    public GrnSpec Grn => new()
    {
        GenomeSize = GenomeSize, Genes = Channels, Morphogens = Morphogens, Hidden = Hidden, Grid = Grid, FullStart = Start == "full",
    };
}

/// <summary>One population size measured.</summary>
public sealed record PopulationPoint
{
    /// <summary>Individuals P.</summary>
    [JsonPropertyName("population")] public int Population { get; init; }

    /// <summary>Organisms per development, P x K.</summary>
    [JsonPropertyName("organisms")] public long Organisms { get; init; }

    /// <summary>Median seconds of one whole population development (weights in, logits out).</summary>
    [JsonPropertyName("seconds_median")] public double SecondsMedian { get; init; }

    /// <summary>Organisms per second: P K / <see cref="SecondsMedian"/>.</summary>
    [JsonPropertyName("organisms_per_second")] public double OrganismsPerSecond { get; init; }

    /// <summary>Median CPU seconds (all threads of the process) of one development: less sensitive than wall time to other processes on shared cores.</summary>
    [JsonPropertyName("cpu_seconds_median")] public double CpuSecondsMedian { get; init; }

    /// <summary>ILGPU: median seconds of the development on the device alone (seed, steps, synchronise), weights already there.</summary>
    [JsonPropertyName("device_seconds_median")] public double? DeviceSecondsMedian { get; init; }

    /// <summary>ILGPU: organisms per second on the device alone.</summary>
    [JsonPropertyName("device_organisms_per_second")] public double? DeviceOrganismsPerSecond { get; init; }

    /// <summary>Resident memory after this size, MiB.</summary>
    [JsonPropertyName("rss_mb")] public double RssMb { get; init; }

    /// <summary>Mean phenotype logit of the last development (a sign that something developed; backends draw different masks).</summary>
    [JsonPropertyName("mean_logit")] public double MeanLogit { get; init; }
}

/// <summary>The check of an ILGPU accelerator against the CPU accelerator.</summary>
public sealed record PopulationCheck
{
    /// <summary>Accelerator checked.</summary>
    [JsonPropertyName("accelerator")] public string Accelerator { get; init; } = "";

    /// <summary>Individuals, genomes and steps of the checked development.</summary>
    [JsonPropertyName("population")] public int Population { get; init; }

    /// <summary>Steps developed.</summary>
    [JsonPropertyName("steps")] public int Steps { get; init; }

    /// <summary>Largest absolute difference of the logits.</summary>
    [JsonPropertyName("max_abs_difference")] public double MaxAbsDifference { get; init; }

    /// <summary>Tolerance.</summary>
    [JsonPropertyName("tolerance")] public double Tolerance { get; init; }

    /// <summary>Share of logits further apart than the tolerance.</summary>
    [JsonPropertyName("mismatched_fraction")] public double MismatchedFraction { get; init; }

    /// <summary>Whether all but <see cref="PopulationBenchmark.CheckMismatchAllowed"/> of the logits are within the tolerance.</summary>
    [JsonPropertyName("passed")] public bool Passed { get; init; }
}

/// <summary>What the population benchmark measured (JSON keys in snake_case).</summary>
public sealed record PopulationBenchmarkResult
{
    /// <summary>Series name for plots: backend and device.</summary>
    [JsonPropertyName("label")] public string Label { get; init; } = "";

    /// <summary>The workload.</summary>
    [JsonPropertyName("workload")] public required PopulationWorkload Workload { get; init; }

    /// <summary>Device the backend ran on (CPU threads, or the ILGPU accelerator).</summary>
    [JsonPropertyName("device")] public string Device { get; init; } = "";

    /// <summary>One entry per population size.</summary>
    [JsonPropertyName("points")] public IReadOnlyList<PopulationPoint> Points { get; init; } = Array.Empty<PopulationPoint>();

    /// <summary>The accelerator's check against the CPU accelerator, when asked for.</summary>
    [JsonPropertyName("check")] public PopulationCheck? Check { get; init; }

    /// <summary>Peak resident memory (VmHWM), MiB.</summary>
    [JsonPropertyName("peak_rss_mb")] public double PeakRssMb { get; init; }

    /// <summary>1-minute load average at the end.</summary>
    [JsonPropertyName("load_average")] public double LoadAverage { get; init; }
}

/// <summary>Runs the population benchmark on one backend.</summary>
public static class PopulationBenchmark
{
    /// <summary>Tolerance of the accelerator check on logits (float32 sums in another order, fused multiply-adds on the GPU).</summary>
    public const double CheckTolerance = 1e-3;

    /// <summary>
    /// Share of logits the check lets exceed <see cref="CheckTolerance"/>: a cell whose alive channel sits within float
    /// error of the threshold can flip its mask on another device and change its neighbourhood's values from then on.
    /// </summary>
    public const double CheckMismatchAllowed = 1e-3;

    /// <summary>Measures <paramref name="workload"/>; <paramref name="progress"/> gets a line per phase. The ilgpu backend never loads libtorch.</summary>
    public static PopulationBenchmarkResult Run(PopulationWorkload workload, Action<string>? progress = null)
    {
        workload.Validate();
        NativeRuntime.ConfigureMalloc();
        return workload.Backend == "ilgpu" ? RunIlgpu(workload, progress) : TorchPopulationBenchmark.Run(workload, progress);
    }

    private static PopulationBenchmarkResult RunIlgpu(PopulationWorkload w, Action<string>? progress)
    {
        var (context, accelerator) = GpuDevices.Open(w.Accelerator);
        using var _ = context;
        using var __ = accelerator;
        string device = $"{GpuDevices.Kind(accelerator)}: {accelerator.Name}";
        PopulationCheck? check = null;
        if (w.Check) // on the CPU accelerator itself the comparison is trivial, but it runs the same path as on a GPU
            check = CheckAgainstCpu(w, accelerator, progress);
        var points = new List<PopulationPoint>();
        using var developer = Developer.Create(w, accelerator);
        foreach (int p in w.Populations)
        {
            var weights = developer.Weights(p, (ulong)w.Seed);
            var genomes = InitialWeights.Genomes(w.Genomes, w.GenomeSize, (ulong)w.Seed + 1);
            var draws = developer.Draws((ulong)w.Seed + 2);
            progress?.Invoke($"ilgpu {device}: P = {p}, {w.Warmup} warm-up + {w.Iterations} timed developments");
            var total = new List<double>();
            var onDevice = new List<double>();
            var cpu = new List<double>();
            float[] logits = Array.Empty<float>();
            using var process = Process.GetCurrentProcess();
            for (int i = 0; i < w.Warmup + w.Iterations; i++)
            {
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                developer.Load(weights, p, genomes);
                var run = Stopwatch.StartNew();
                developer.Run(draws);
                double device1 = run.Elapsed.TotalSeconds;
                logits = developer.Read();
                if (i < w.Warmup) continue;
                total.Add(watch.Elapsed.TotalSeconds);
                onDevice.Add(device1);
                process.Refresh();
                cpu.Add((process.TotalProcessorTime - cpu0).TotalSeconds);
            }
            double t = DevelopmentBenchmark.Median(total), d = DevelopmentBenchmark.Median(onDevice);
            long organisms = (long)p * w.Genomes;
            points.Add(new PopulationPoint
            {
                Population = p, Organisms = organisms, SecondsMedian = t, OrganismsPerSecond = organisms / t,
                DeviceSecondsMedian = d, DeviceOrganismsPerSecond = organisms / d, CpuSecondsMedian = DevelopmentBenchmark.Median(cpu),
                RssMb = DevelopmentBenchmark.RssMb("VmRSS"),
                MeanLogit = logits.Average(v => (double)v),
            });
            progress?.Invoke($"  {organisms / t:F1} organisms/s ({organisms / d:F1} on the device alone)");
        }
        return new PopulationBenchmarkResult
        {
            Label = $"ilgpu ({GpuDevices.Kind(accelerator)})", Workload = w, Device = device, Points = points, Check = check,
            PeakRssMb = DevelopmentBenchmark.RssMb("VmHWM"), LoadAverage = DevelopmentBenchmark.LoadAverage1(),
        };
    }

    /// <summary>Develops a small population (P = 4, up to 16 steps) on the accelerator and on the CPU accelerator and compares the logits.</summary>
    private static PopulationCheck CheckAgainstCpu(PopulationWorkload w, ILGPU.Runtime.Accelerator accelerator, Action<string>? progress)
    {
        var small = w with { Steps = Math.Min(w.Steps, 16) };
        const int p = 4;
        progress?.Invoke($"check: P = {p}, {small.Steps} steps on {accelerator.Name} and on ILGPU's CPU accelerator");
        var (cpuContext, cpu) = GpuDevices.Open("cpu");
        using var _ = cpuContext;
        using var __ = cpu;
        float[] Grow(ILGPU.Runtime.Accelerator a)
        {
            using var developer = Developer.Create(small, a);
            developer.Load(developer.Weights(p, (ulong)w.Seed), p, InitialWeights.Genomes(w.Genomes, w.GenomeSize, (ulong)w.Seed + 1));
            developer.Run(developer.Draws((ulong)w.Seed + 2));
            return developer.Read();
        }
        var expected = Grow(cpu);
        var actual = Grow(accelerator);
        double max = 0;
        long off = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= CheckTolerance)) off++;
            if (!(diff <= max)) max = diff; // NaN counts as the largest
        }
        var check = new PopulationCheck
        {
            Accelerator = $"{GpuDevices.Kind(accelerator)}: {accelerator.Name}", Population = p, Steps = small.Steps,
            MaxAbsDifference = max, Tolerance = CheckTolerance, MismatchedFraction = (double)off / expected.Length,
            Passed = (double)off / expected.Length <= CheckMismatchAllowed && expected.Length == actual.Length,
        };
        progress?.Invoke($"check: max |difference| {max:G3}, {off} of {expected.Length} logits beyond {CheckTolerance} (allowed: {CheckMismatchAllowed:P1}): {(check.Passed ? "passed" : "FAILED")}");
        return check;
    }

    /// <summary>The NCA or GRN developer of a workload, with the workload's weights and draws.</summary>
    private sealed class Developer : IDisposable
    {
        private readonly PopulationWorkload w;
        private readonly IlgpuDeveloper developer;

        private Developer(PopulationWorkload w, IlgpuDeveloper developer) => (this.w, this.developer) = (w, developer);

        public static Developer Create(PopulationWorkload w, ILGPU.Runtime.Accelerator a) =>
            new(w, w.Decoder == "nca" ? new IlgpuNcaDeveloper(a, w.Nca) : new IlgpuGrnDeveloper(a, w.Grn));

        public float[] Weights(int p, ulong seed) => developer is IlgpuNcaDeveloper ? InitialWeights.For(w.Nca, p, seed) : InitialWeights.For(w.Grn, p, seed);

        public PopulationDraws Draws(ulong seed) => PopulationDraws.Managed(seed, w.Steps, 1, w.Genomes, w.Grid, developer is IlgpuNcaDeveloper ? w.FireRate : null, 0);

        public void Load(float[] weights, int p, float[] genomes) => developer.Load(weights, p, genomes, w.Genomes, true);

        public void Run(PopulationDraws draws) => developer.Run(draws);

        public float[] Read() => developer.ReadLogits();

        public void Dispose() => developer.Dispose();
    }
}
