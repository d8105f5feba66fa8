using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Development;
using GenomicCode.Development.Population;
using GenomicCode.Evolution;
using GenomicCode.Gpu;
using GenomicCode.Tests.Development;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Gpu;

/// <summary>
/// The ILGPU kernels on ILGPU's CPU accelerator against the TorchSharp population (tiny sizes: the CPU accelerator
/// emulates GPU threads), and their PTX for sm_90. Tolerance: 1e-4 on logits (float32 sums in another order, and tanh
/// from one exponential in the GRN kernels).
/// </summary>
[Collection(TorchCollection.Name)]
public class IlgpuKernelTests : IClassFixture<IlgpuKernelTests.CpuBackend>
{
    private const float Tolerance = 1e-4f;
    private readonly CpuBackend cpu;

    public IlgpuKernelTests(CpuBackend cpu) => this.cpu = cpu;

    /// <summary>One CPU accelerator for the class (compiling the kernels once per accelerator).</summary>
    public sealed class CpuBackend : IDisposable
    {
        public IlgpuPopulationBackend Backend { get; } = new("cpu");
        public void Dispose() => Backend.Dispose();
    }

    private static float MaxDifference(Tensor a, Tensor b)
    {
        using var d = a.sub(b).abs().max();
        return d.item<float>();
    }

    [Fact]
    public void Should_MatchTheDecodersParameterVector_When_LaidOutWithoutTorch()
    {
        using var nca = new NcaDecoder(3, (1, 6, 6), new NcaOptions { Channels = 6, HiddenSize = 8, ConditionEveryCell = true });
        using var plain = new NcaDecoder(2, (2, 5, 5), new NcaOptions { Channels = 7, HiddenSize = 9 });
        using var grn = new GrnDecoder(3, (1, 6, 6), new GrnOptions { Channels = 5, Morphogens = 2, HiddenSize = 8 });
        static IEnumerable<(string, int, int)> Of(GenomeDecoder d) => new ParameterVector(d).Layout.Select(s => (s.Name, (int)s.Offset, (int)s.Length));
        Assert.Equal(Of(nca), NcaSpec.Of(nca).Layout);
        Assert.Equal(Of(plain), NcaSpec.Of(plain).Layout);
        Assert.Equal(Of(grn), GrnSpec.Of(grn).Layout);
        Assert.Equal(new ParameterVector(grn).Length, GrnSpec.Of(grn).ParameterCount);
        Assert.Equal(new ParameterVector(plain).Length, NcaSpec.Of(plain).ParameterCount);
    }

    [Theory]
    [InlineData(0.0, false, 8)]
    [InlineData(0.05, true, 8)]
    [InlineData(0.0, false, 520)] // the network (12,480 values) does not fit shared memory: read from global memory
    public void Should_GrowWhatTorchGrows_When_TheNcaKernelsRunOnTheCpuAccelerator(double noise, bool everyCell, int hidden)
    {
        // Given 2 NCA individuals, 2 shared genomes, a 5x5 grid, 3 steps
        torch.random.manual_seed(71);
        using var nca = new NcaDecoder(3, (1, 5, 5), new NcaOptions { Steps = 3, Channels = 6, HiddenSize = hidden, Noise = noise, ConditionEveryCell = everyCell });
        using var weights = PopulationDevelopmentTests.Perturbed(nca, 2, 3);
        using var genomes = torch.randn(new long[] { 2, 3 }, generator: new Generator(5));

        // When the kernels and TorchSharp develop them from the same generator state
        using var kernels = cpu.Backend.Create(nca);
        using (var developer = new IlgpuNcaDeveloper(cpu.Backend.Accelerator, NcaSpec.Of(nca)))
            Assert.Equal(hidden < 100, developer.WeightsInShared);
        using var onAccelerator = kernels.Develop(weights, genomes, PopulationRandomness.Common(new Generator(9)));
        using var onTorch = PopulationDevelopment.Create(nca).Develop(weights, genomes, PopulationRandomness.Common(new Generator(9)));

        // Then the phenotypes agree, and something grew
        Assert.Equal(onTorch.shape, onAccelerator.shape);
        Assert.True(MaxDifference(onTorch, onAccelerator) < Tolerance, $"max difference {MaxDifference(onTorch, onAccelerator)}");
        Assert.True(MaxDifference(onTorch[0], onTorch[1]) > 1e-3f);
    }

    [Fact]
    public void Should_GrowWhatTorchGrows_When_TheGrnKernelsRunWithPerIndividualGenomesAndNoise()
    {
        // Given 2 GRN individuals with 2 genomes each, noise, per-individual random streams, a 5x5 grid, 3 steps
        torch.random.manual_seed(72);
        using var grn = new GrnDecoder(3, (1, 5, 5), new GrnOptions { Steps = 3, Channels = 5, Morphogens = 2, HiddenSize = 8, Noise = 0.05 });
        using var weights = PopulationDevelopmentTests.Perturbed(grn, 2, 4);
        using var genomes = torch.randn(new long[] { 2, 2, 3 }, generator: new Generator(6));

        // When the kernels and TorchSharp develop them
        using var kernels = cpu.Backend.Create(grn);
        using var onAccelerator = kernels.Develop(weights, genomes, PopulationRandomness.PerIndividual(new[] { new Generator(1), new Generator(2) }));
        using var onTorch = PopulationDevelopment.Create(grn).Develop(weights, genomes, PopulationRandomness.PerIndividual(new[] { new Generator(1), new Generator(2) }));

        // Then they agree
        Assert.True(MaxDifference(onTorch, onAccelerator) < Tolerance, $"max difference {MaxDifference(onTorch, onAccelerator)}");
        Assert.True(MaxDifference(onTorch[0], onTorch[1]) > 1e-3f);
    }

    [Fact]
    public void Should_GrowTheHandComputedGrn_When_TheKernelsRunWithoutTorch()
    {
        // Given one GRN individual with zero regulation but the readout gene's bias b0 = 1 and gain 2, bias 0.5, 1 step:
        // gene 0 becomes 0.2 tanh(1) in the 3x3 block around the zygote (alive before and after), 0 elsewhere
        var spec = new GrnSpec { GenomeSize = 2, Genes = 4, Morphogens = 1, Hidden = 3, Grid = 5 };
        var w = new float[spec.ParameterCount];
        w[spec.BaseBiasOffset] = 1f;
        w[spec.GainOffset] = 2f;
        w[spec.BiasOffset] = 0.5f;
        using var developer = new IlgpuGrnDeveloper(cpu.Backend.Accelerator, spec);

        // When it develops without TorchSharp (managed draws; no noise)
        var logits = developer.Develop(w, 1, new float[] { 0.3f, -0.7f }, 1, true, PopulationDraws.Managed(1, 1, 1, 1, 5, null, 0));

        // Then
        float grown = 2f * 0.2f * MathF.Tanh(1f) + 0.5f;
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
                Assert.Equal(Math.Abs(y - 2) <= 1 && Math.Abs(x - 2) <= 1 ? grown : 0.5f, logits[y * 5 + x], 5);
    }

    [Fact]
    public void Should_CompileEveryKernelToPtx_When_TargetingSm90WithoutAGpu()
    {
        var ptx = PtxCompilation.Compile();
        Assert.Equal(PtxCompilation.Kernels.Select(k => k.Name).OrderBy(n => n), ptx.Keys.OrderBy(n => n));
        foreach (var (name, code) in ptx)
        {
            Assert.Contains(".version 8.0", code);
            Assert.Contains(".entry", code);
            Assert.DoesNotContain("tanh.approx", code); // our tanh, not the 2^-11 hardware approximation
        }
        Assert.Contains(".shared", ptx["NcaStep"]);
        Assert.Contains("bar.sync", ptx["GrnStep"]);
    }

    [Fact]
    public void Should_DrawReproducibleMasksAtTheFireRate_When_DrawingWithoutTorch()
    {
        var a = PopulationDraws.Managed(7, 4, 1, 2, 50, 0.25, 3);
        var b = PopulationDraws.Managed(7, 4, 1, 2, 50, 0.25, 3);
        var c = PopulationDraws.Managed(8, 4, 1, 2, 50, 0.25, 3);
        Assert.Equal(a.Fire, b.Fire);
        Assert.Equal(a.Noise, b.Noise);
        Assert.NotEqual(a.Fire, c.Fire);
        Assert.Equal(4 * 2 * 2500, a.Fire.Length);
        Assert.InRange(a.Fire.Average(), 0.24, 0.26);                   // 20,000 draws: SD of the mean 0.003
        Assert.InRange(a.Noise!.Average(x => (double)x), -0.02, 0.02);   // 60,000 draws: SD 0.004
        Assert.InRange(a.Noise!.Average(x => (double)x * x), 0.97, 1.03);
    }

    [Fact]
    public void Should_ListTheCpuAccelerator_When_AskingWhatIlgpuSees()
    {
        var list = GpuDevices.List();
        Assert.Contains(list, a => a.Kind == "cpu");
        if (list.All(a => a.Kind != "cuda"))
        {
            var e = Assert.Throws<UserInputException>(() => GpuDevices.Open("cuda"));
            Assert.Contains("no CUDA GPU", e.Message);
        }
        Assert.Throws<UserInputException>(() => GpuDevices.Open("tpu"));
    }

    [Fact]
    public void Should_RefuseTheGrn_When_ItsDynamicsAreKouvaris()
    {
        using var grn = new GrnDecoder(3, (1, 5, 5), new GrnOptions { Steps = 2, Channels = 5, Morphogens = 2, HiddenSize = 8, Dynamics = "kouvaris" });
        var e = Assert.Throws<UserInputException>(() => cpu.Backend.Create(grn));
        Assert.Contains("leaky dynamics only", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Should_RefuseADecoderItCannotDevelop_When_AskedForALandscape()
    {
        using var landscape = new LandscapeDecoder(2, (1, 16, 16), new LandscapeOptions { Steps = 2, Channels = 3, HiddenSize = 8, ReadoutHiddenSize = 8 });
        var e = Assert.Throws<UserInputException>(() => cpu.Backend.Create(landscape));
        Assert.Contains("nca and grn", e.Message);
    }
}

public class InitialWeightsTests
{
    [Fact]
    public void Should_FillEachParameterWithinItsBound_When_MakingNcaWeights()
    {
        var spec = new NcaSpec { GenomeSize = 4, Channels = 6, Hidden = 9, Grid = 5 };
        var w = InitialWeights.For(spec, 3, 11);
        Assert.Equal(3 * spec.ParameterCount, w.Length);
        Assert.Equal(w, InitialWeights.For(spec, 3, 11));
        int d = spec.ParameterCount;
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(1f, w[i * d + spec.GainOffset]);
            Assert.Equal(-3f, w[i * d + spec.BiasOffset]);
            var hidden = w.AsSpan(i * d + spec.HiddenWeightOffset, 9 * 18).ToArray();
            Assert.All(hidden, v => Assert.InRange(Math.Abs(v), 0, 1 / Math.Sqrt(18)));       // fan-in 3C = 18
            Assert.True(hidden.Max() - hidden.Min() > 0.3);                                    // spread over most of (-0.236, 0.236)
            var seed = w.AsSpan(i * d + spec.SeedWeightOffset, 3 * 4).ToArray();
            Assert.All(seed, v => Assert.InRange(Math.Abs(v), 0, 0.5));                        // fan-in G = 4
        }
        Assert.NotEqual(w.AsSpan(0, d).ToArray(), w.AsSpan(d, d).ToArray());                    // individuals differ
    }

    [Fact]
    public void Should_SwitchTheAliveGeneOn_When_MakingGrnWeights()
    {
        var spec = new GrnSpec { GenomeSize = 2, Genes = 5, Morphogens = 2, Hidden = 4, Grid = 5 };
        var w = InitialWeights.For(spec, 2, 3);
        int d = spec.ParameterCount;
        Assert.Equal(new[] { 0f, 2f, 0f, 0f, 0f }, w.AsSpan(d + spec.BaseBiasOffset, 5).ToArray());
        Assert.Equal(3f, w[spec.GainOffset]);
        Assert.All(w.AsSpan(spec.HyperOutWeightOffset, spec.Regulation * 4).ToArray(), v => Assert.InRange(Math.Abs(v), 0, 0.1 * 0.5)); // 0.1 / sqrt(4)
        var genomes = InitialWeights.Genomes(200, 5, 1);
        Assert.InRange(genomes.Average(v => (double)v), -0.15, 0.15);
        Assert.InRange(genomes.Average(v => (double)v * v), 0.85, 1.15);
    }
}
