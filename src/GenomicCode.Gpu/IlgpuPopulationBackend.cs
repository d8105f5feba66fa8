using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Development;
using GenomicCode.Development.Population;
using GenomicCode.Evolution;
using ILGPU;
using ILGPU.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Gpu;

/// <summary>
/// Population development on an ILGPU accelerator (a CUDA GPU, or the CPU accelerator) behind the library's
/// <see cref="IPopulationBackend"/> contract, so <c>experiment learning --backend ilgpu</c> and any caller of
/// <see cref="IPopulationDecoder"/> can use the kernels. Random numbers are drawn by TorchSharp exactly as the torch
/// backend draws them (<see cref="PopulationDraws.FromTorch"/>) and handed to the kernels, so both backends grow the
/// same organisms to float tolerance. Owns its ILGPU context and accelerator: dispose it.
/// </summary>
public sealed class IlgpuPopulationBackend : IPopulationBackend, IDisposable
{
    private readonly Context context;

    /// <summary>Opens accelerator <paramref name="accelerator"/>: <c>auto</c>, <c>cuda</c>, <c>cuda:N</c> or <c>cpu</c> (see <see cref="GpuDevices.Open"/>).</summary>
    public IlgpuPopulationBackend(string accelerator = "auto")
    {
        (context, Accelerator) = GpuDevices.Open(accelerator);
    }

    /// <summary>The accelerator the kernels run on.</summary>
    public Accelerator Accelerator { get; }

    /// <inheritdoc />
    public string Name => "ilgpu";

    /// <summary>What runs the kernels, for logs: kind and device name.</summary>
    public string Description => $"{GpuDevices.Kind(Accelerator)}: {Accelerator.Name}";

    /// <inheritdoc />
    public IPopulationDecoder Create(GenomeDecoder template) => template switch
    {
        NcaDecoder nca => new Population(template, new IlgpuNcaDeveloper(Accelerator, NcaSpec.Of(nca)), nca.GridSize, nca.PhenotypeShape.Channels,
            nca.Options.FireRate, nca.Options.Noise > 0 ? nca.Options.Channels : 0, NcaSpec.Of(nca).Layout),
        GrnDecoder { Options.Dynamics: not "leaky" } grn =>
            throw new UserInputException($"the ilgpu GRN kernels run the leaky dynamics only, not '{grn.Options.Dynamics}'; use the torch backend or Dynamics leaky."),
        GrnDecoder grn => new Population(template, new IlgpuGrnDeveloper(Accelerator, GrnSpec.Of(grn)), grn.GridSize, grn.PhenotypeShape.Channels,
            null, grn.Options.Noise > 0 ? grn.Genes : 0, GrnSpec.Of(grn).Layout),
        _ => throw new UserInputException($"the ilgpu backend develops nca and grn decoders, not {template.GetName()}; use the torch backend."),
    };

    /// <inheritdoc />
    public void Dispose()
    {
        Accelerator.Dispose();
        context.Dispose();
    }

    private sealed class Population : IPopulationDecoder
    {
        private readonly IlgpuDeveloper developer;
        private readonly int grid, readout, noiseChannels;
        private readonly double? fireRate;
        private readonly long parameterCount;

        public Population(GenomeDecoder template, IlgpuDeveloper developer, int grid, int readout, double? fireRate, int noiseChannels,
            IReadOnlyList<(string Name, int Offset, int Length)> layout)
        {
            var actual = new ParameterVector(template).Layout;
            if (actual.Count != layout.Count || actual.Zip(layout).Any(p => p.First.Name != p.Second.Name || p.First.Offset != p.Second.Offset || p.First.Length != p.Second.Length))
                throw new UserInputException($"{template.GetName()}'s trainable parameters ({string.Join(", ", actual.Select(s => s.Name))}) differ from the layout the ilgpu kernels read; unfreeze them or use the torch backend.");
            (Template, this.developer, this.grid, this.readout, this.fireRate, this.noiseChannels) = (template, developer, grid, readout, fireRate, noiseChannels);
            parameterCount = actual.Sum(s => s.Length);
        }

        public GenomeDecoder Template { get; }

        public string Backend => "ilgpu";

        public long ParameterCount => parameterCount;

        public Tensor Develop(Tensor weights, Tensor genomes, PopulationRandomness? randomness = null, int? steps = null)
        {
            var (p, k, _) = PopulationDevelopment.CheckInputs(Template, parameterCount, weights, genomes);
            var device = genomes.device;
            using var fallback = new Generator((ulong)DevelopmentalDecoder.DefaultSeed, device);
            var random = randomness ?? PopulationRandomness.Common(fallback);
            random.CheckPopulation(p);
            var d = (DevelopmentalDecoder)Template;
            int n = random.Steps(d, steps);
            var draws = PopulationDraws.FromTorch(random, n, (int)k, grid, fireRate, noiseChannels, device);
            bool shared = genomes.dim() == 2;
            float[] w = Floats(weights), g = Floats(genomes);
            float[] logits = developer.Develop(w, (int)p, g, (int)k, shared, draws);
            using var scope = torch.NewDisposeScope();
            var onGrid = torch.tensor(logits, new long[] { p * k, readout, grid, grid }, device: device);
            var phenotype = d.ToPhenotype(onGrid);
            return phenotype.view(p, k, readout, phenotype.shape[2], phenotype.shape[3]).MoveToOuterDisposeScope();
        }

        private static float[] Floats(Tensor t)
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            return t.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        }

        public void Dispose() => developer.Dispose();
    }
}
