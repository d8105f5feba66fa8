using System.Diagnostics;
using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Development;
using GenomicCode.Development.Population;
using GenomicCode.Gpu;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Cli.Bench;

/// <summary>The population benchmark's TorchSharp backends (kept apart so that the ilgpu backend never loads libtorch).</summary>
internal static class TorchPopulationBenchmark
{
    public static PopulationBenchmarkResult Run(PopulationWorkload w, Action<string>? progress)
    {
        NativeRuntime.EnsureLoaded();
        torch.random.manual_seed(w.Seed);
        var shape = (1, w.Grid, w.Grid);
        using DevelopmentalDecoder template = w.Decoder == "nca"
            ? new NcaDecoder(w.GenomeSize, shape, new NcaOptions
            {
                Steps = w.Steps, Channels = w.Channels, HiddenSize = w.Hidden, Grid = w.Grid, FireRate = w.FireRate, Start = w.Start, Noise = 0,
            })
            : new GrnDecoder(w.GenomeSize, shape, new GrnOptions
            {
                Steps = w.Steps, Channels = w.Channels, HiddenSize = w.Hidden, Morphogens = Math.Min(w.Morphogens, w.Channels), Grid = w.Grid,
                Start = w.Start, Noise = 0,
            });
        using IPopulationDecoder population = w.Backend == "loop" ? new LoopPopulation(template) : PopulationDevelopment.Create(template);
        template.eval();
        using var genomes = torch.tensor(InitialWeights.Genomes(w.Genomes, w.GenomeSize, (ulong)w.Seed + 1), new long[] { w.Genomes, w.GenomeSize });
        using var generator = new Generator((ulong)w.Seed + 2);
        var points = new List<PopulationPoint>();
        string device = $"cpu, {torch.get_num_threads()} threads";
        foreach (int p in w.Populations)
        {
            float[] rows = w.Decoder == "nca" ? InitialWeights.For(w.Nca, p, (ulong)w.Seed) : InitialWeights.For(w.Grn, p, (ulong)w.Seed);
            using var weights = torch.tensor(rows, new long[] { p, rows.Length / p });
            progress?.Invoke($"{w.Backend} ({device}): P = {p}, {w.Warmup} warm-up + {w.Iterations} timed developments");
            var times = new List<double>();
            var cpu = new List<double>();
            double mean = double.NaN;
            using var process = Process.GetCurrentProcess();
            for (int i = 0; i < w.Warmup + w.Iterations; i++)
            {
                using var scope = torch.NewDisposeScope();
                using var _ = torch.no_grad();
                generator.manual_seed(w.Seed + 2);
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                var logits = population.Develop(weights, genomes, PopulationRandomness.Common(generator));
                mean = logits.mean().item<float>(); // waits for the result
                if (i < w.Warmup) continue;
                times.Add(watch.Elapsed.TotalSeconds);
                process.Refresh();
                cpu.Add((process.TotalProcessorTime - cpu0).TotalSeconds);
            }
            double t = DevelopmentBenchmark.Median(times);
            long organisms = (long)p * w.Genomes;
            points.Add(new PopulationPoint
            {
                Population = p, Organisms = organisms, SecondsMedian = t, OrganismsPerSecond = organisms / t,
                CpuSecondsMedian = DevelopmentBenchmark.Median(cpu), RssMb = DevelopmentBenchmark.RssMb("VmRSS"), MeanLogit = mean,
            });
            progress?.Invoke($"  {organisms / t:F1} organisms/s");
        }
        return new PopulationBenchmarkResult
        {
            Label = $"{w.Backend} ({torch.get_num_threads()} threads)", Workload = w, Device = device, Points = points,
            PeakRssMb = DevelopmentBenchmark.RssMb("VmHWM"), LoadAverage = DevelopmentBenchmark.LoadAverage1(),
        };
    }
}
