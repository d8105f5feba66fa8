using System.Runtime.CompilerServices;
using GenomicCode.Core;

// libtorch's initialisers and un-seeded draws share one global generator, and parallel test classes would interleave
// their draws (seen: a same-seed initialisation test failing once); libtorch also uses both cores for each test. Run
// the tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace GenomicCode.Tests;

/// <summary>Process-wide set-up shared by all tests.</summary>
internal static class TestSetup
{
    [ModuleInitializer]
    internal static void Init()
    {
        NativeRuntime.ConfigureMalloc();
        ThreadPolicy.PreferPassiveWaiting(); // before libtorch starts its OpenMP pool
        TorchSharp.torch.set_num_threads(Math.Min(2, Environment.ProcessorCount));
    }
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    /// <summary>Creates an empty folder under the system temp path.</summary>
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "genomiccode-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Tests that train or touch libtorch's global state run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "torch";
}

/// <summary>Small model options for tests, in the component form.</summary>
public static class TestModels
{
    /// <summary>
    /// A genome VAE of <paramref name="latent"/> Gaussian latents whose conv encoder (and conv decoder, unless
    /// <paramref name="decoder"/> is given) have dense width <paramref name="hidden"/>, with <paramref name="regularizer"/>
    /// (default beta-VAE, beta 1).
    /// </summary>
    public static GenomicCode.Models.ModelOptions Options(int latent = 3, int hidden = 32, GenomicCode.Core.Catalogues.ComponentSpec? regularizer = null,
        GenomicCode.Core.Catalogues.ComponentSpec? decoder = null) => new()
    {
        LatentSize = latent,
        Encoder = GenomicCode.Encoders.EncoderCatalog.Spec("conv", new GenomicCode.Encoders.ConvEncoderOptions { HiddenSize = hidden }),
        Decoder = decoder ?? GenomicCode.Development.DecoderCatalog.Spec("conv", new GenomicCode.Development.ConvDecoderOptions { HiddenSize = hidden }),
        Regularizer = regularizer ?? GenomicCode.Regularizers.RegularizerCatalog.Spec("beta-vae"),
    };

    /// <summary><see cref="Options"/> with regulariser <paramref name="name"/> and <paramref name="options"/> (null: its defaults).</summary>
    public static GenomicCode.Models.ModelOptions WithRegularizer(string name, GenomicCode.Core.Catalogues.IComponentOptions? options = null, int latent = 3, int hidden = 32) =>
        Options(latent, hidden, GenomicCode.Regularizers.RegularizerCatalog.Spec(name, options));
}
