using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Latent;
using GenomicCode.Numerics;
using GenomicCode.Regularizers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Models;

/// <summary>
/// A genome VAE: an encoder (the surrogate for evolution) infers a posterior over latent genomes, a genome is sampled,
/// and a decoder (development) grows the phenotype from it. The loss is the Bernoulli reconstruction term plus the
/// regulariser's terms (the negative ELBO for beta = 1; Kingma and Welling 2014, eq. 3).
/// </summary>
public sealed class GenomeVae : nn.Module
{
    private readonly GenomeEncoder encoder;
    private readonly GenomeDecoder decoder;
    private readonly IRegularizer regularizer;

    /// <summary>Assembles a model from its parts; the encoder's latent size must match the decoder's genome size.</summary>
    public GenomeVae(GenomeEncoder encoder, GenomeDecoder decoder, IRegularizer regularizer, ModelOptions options) : base(nameof(GenomeVae))
    {
        if (encoder.LatentSize != decoder.GenomeSize)
            throw new UserInputException($"encoder latent size {encoder.LatentSize} differs from decoder genome size {decoder.GenomeSize}.");
        this.encoder = encoder;
        this.decoder = decoder;
        this.regularizer = regularizer;
        Options = options;
        RegisterComponents();
    }

    /// <summary>
    /// Builds the model that <paramref name="options"/> describe for images of the given shape. Parameters are
    /// initialised from <paramref name="seed"/> (TorchSharp's initialisers draw from torch's default generator, which
    /// this seeds), then moved to <paramref name="device"/>.
    /// </summary>
    /// <param name="options">Model shape and regulariser.</param>
    /// <param name="imageShape">(C, H, W) of the data.</param>
    /// <param name="seed">Initialisation seed (also seeds the regulariser's own random streams).</param>
    /// <param name="device">Where the model lives; null for the CPU.</param>
    /// <param name="datasetSize">Size of the training set, for regularisers that need it (beta-TCVAE); 0 when unknown.</param>
    public static GenomeVae Create(ModelOptions options, (int Channels, int Height, int Width) imageShape, long seed, Device? device = null, long datasetSize = 0)
    {
        options.Validate();
        NativeRuntime.EnsureLoaded();
        if (imageShape.Height != imageShape.Width)
            throw new UserInputException($"the conv encoder needs square images, got {imageShape.Height}x{imageShape.Width}.");
        GenomeVae model;
        // TorchSharp's initialisers draw from torch's one global generator: seed it and build under a lock, so that two
        // models created at once on different threads cannot interleave their draws. (Code that draws from the global
        // generator on another thread at the same moment can still interfere; pass generators explicitly there.)
        lock (InitLock)
        {
            torch.random.manual_seed(seed);
            var enc = new ConvEncoder(imageShape.Channels, imageShape.Height, options.LatentSize, options.HiddenSize);
            var dec = DecoderCatalog.Create(options.Decoder, options.LatentSize, imageShape, options.HiddenSize, options.Development);
            var reg = RegularizerCatalog.Create(options, new RegularizerContext(options.LatentSize, datasetSize, seed, device ?? CPU));
            model = new GenomeVae(enc, dec, reg, options);
        }
        if (device is not null) model.to(device);
        return model;
    }

    private static readonly object InitLock = new();

    /// <summary>The options this model was built from.</summary>
    public ModelOptions Options { get; }

    /// <summary>The encoder (phenotype to posterior over genomes).</summary>
    public GenomeEncoder Encoder => encoder;

    /// <summary>The decoder (genome to phenotype logits).</summary>
    public GenomeDecoder Decoder => decoder;

    /// <summary>The regulariser whose terms join the loss.</summary>
    public IRegularizer Regularizer => regularizer;

    /// <summary>Latent genome dimensions.</summary>
    public int LatentSize => encoder.LatentSize;

    /// <summary>
    /// One forward pass on a batch of binary images (B, C, H, W) in [0, 1]. The genome sample's noise comes from
    /// <paramref name="generator"/>; pass null to use the posterior mean (no sampling).
    /// </summary>
    public GenomeVaeOutput Forward(Tensor images, Generator? generator, long step = 0)
    {
        var (mean, logVar) = encoder.forward(images);                 // (B, D) each
        var genome = generator is null ? mean : GaussianGenome.Sample(mean, logVar, generator);
        var logits = decoder.Decode(genome, generator);               // (B, C, H, W)
        // Bernoulli NLL summed over pixels, averaged over the batch (disentanglement_lib's bernoulli loss).
        // (Per-image sums, then a mean: no temporary Scalar for the batch size, which the GC could finalise mid-call.)
        var reconstruction = nn.functional.binary_cross_entropy_with_logits(logits, images, reduction: nn.Reduction.None)
            .flatten(1).sum(dim: 1).mean();
        var klPerDim = GaussianGenome.KlToStandardNormal(mean, logVar); // (B, D)
        var terms = regularizer.Compute(new LatentBatch(mean, logVar, genome, klPerDim), step);
        var loss = reconstruction;
        foreach (var t in terms.Values) loss = loss.Plus(t);
        return new GenomeVaeOutput(loss, reconstruction, klPerDim.sum(dim: 1).mean(), klPerDim.mean(new long[] { 0 }), terms, logits, genome, mean, logVar);
    }

    /// <summary>Reparameterised genome samples (B, D) of a batch of images, without gradients (noise from <paramref name="generator"/>).</summary>
    public Tensor SampleGenomes(Tensor images, Generator? generator)
    {
        using var _ = torch.no_grad();
        var (mean, logVar) = encoder.forward(images);
        return generator is null ? mean : GaussianGenome.Sample(mean, logVar, generator);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && regularizer is IDisposable owned) owned.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Posterior means (B, D) of a batch of images, without gradients.</summary>
    public Tensor Encode(Tensor images)
    {
        using var _ = torch.no_grad();
        return encoder.forward(images).Mean;
    }

    /// <summary>Phenotype probabilities (B, C, H, W) developed from genomes (B, D), without gradients.</summary>
    public Tensor Develop(Tensor genomes)
    {
        using var _ = torch.no_grad();
        return torch.sigmoid(decoder.forward(genomes));
    }
}
