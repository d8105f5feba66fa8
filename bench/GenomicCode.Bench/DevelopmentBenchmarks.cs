using BenchmarkDotNet.Attributes;
using GenomicCode.Cli.Bench;
using GenomicCode.Core;
using GenomicCode.Development;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Bench;

/// <summary>
/// BenchmarkDotNet version of <c>genomic-code bench develop</c> (workload in bench/README.md): forward development and
/// one training step (development unrolled + BCE loss + backward + Adam) of the NCA and GRN decoders.
/// </summary>
[MemoryDiagnoser]
public class DevelopmentBenchmarks
{
    private DevelopmentalDecoder decoder = null!;
    private Tensor genomes = null!;
    private Tensor target = null!;
    private Generator generator = null!;
    private torch.optim.Optimizer adam = null!;

    /// <summary>Decoder under test.</summary>
    [Params("nca", "grn")]
    public string Decoder { get; set; } = "nca";

    /// <summary>The shared workload: batch 32, 32x32 grid, 16 channels, 48 steps, fire rate 0.5.</summary>
    public DevelopmentWorkload Workload => new() { Decoder = Decoder };

    /// <summary>Builds the decoder, genomes, target and optimiser.</summary>
    [GlobalSetup]
    public void Setup()
    {
        NativeRuntime.ConfigureMalloc();
        NativeRuntime.EnsureLoaded();
        var w = Workload;
        torch.random.manual_seed(w.Seed);
        var shape = (1, w.Grid, w.Grid);
        decoder = w.Decoder == "nca" ? new NcaDecoder(w.GenomeSize, shape, (NcaOptions)w.ToOptions()) : new GrnDecoder(w.GenomeSize, shape, (GrnOptions)w.ToOptions());
        genomes = torch.randn(new long[] { w.Batch, w.GenomeSize }, generator: new Generator((ulong)w.Seed));
        target = DevelopmentBenchmark.Disc(w.Batch, w.Grid, torch.CPU);
        generator = new Generator((ulong)w.Seed + 1);
        adam = torch.optim.Adam(decoder.parameters(), w.LearningRate);
    }

    /// <summary>Forward development without gradients.</summary>
    [Benchmark]
    public float Forward()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        decoder.eval();
        return decoder.Develop(genomes, generator).Phenotype.sum().item<float>();
    }

    /// <summary>One training step.</summary>
    [Benchmark]
    public float TrainStep()
    {
        using var scope = torch.NewDisposeScope();
        decoder.train();
        adam.zero_grad();
        var loss = nn.functional.binary_cross_entropy_with_logits(decoder.Develop(genomes, generator).Phenotype, target);
        loss.backward();
        adam.step();
        return loss.item<float>();
    }

    /// <summary>Releases native memory.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        adam.Dispose();
        generator.Dispose();
        target.Dispose();
        genomes.Dispose();
        decoder.Dispose();
    }
}
