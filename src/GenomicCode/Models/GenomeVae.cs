using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Latent;
using GenomicCode.Numerics;
using GenomicCode.Regularizers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Models;

/// <summary>
/// A genome VAE: an encoder (the surrogate for evolution) infers the parameters of a posterior over latent genomes, the
/// latent genome turns them into a posterior and samples a genome, and a decoder (development) grows the phenotype from
/// it. The loss is the Bernoulli reconstruction term plus the regulariser's terms (the negative ELBO for beta = 1;
/// Kingma and Welling 2014, eq. 3). Each part is a catalogue component chosen by <see cref="ModelOptions"/>.
/// </summary>
public sealed class GenomeVae : nn.Module
{
    private readonly GenomeEncoder encoder;
    private readonly GenomeDecoder decoder;
    private readonly IRegularizer regularizer;
    private readonly LatentGenome latent;

    /// <summary>
    /// Assembles a model from its parts: the encoder outputs the latent's posterior parameters, the decoder reads its
    /// genomes and grows phenotypes of the encoder's image shape.
    /// </summary>
    public GenomeVae(LatentGenome latent, GenomeEncoder encoder, GenomeDecoder decoder, IRegularizer regularizer, ModelOptions options) : base(nameof(GenomeVae))
    {
        if (encoder.OutputSize != latent.ParameterSize)
            throw new UserInputException($"the encoder outputs {encoder.OutputSize} numbers per phenotype but the {latent.Kind} genome reads {latent.ParameterSize}.");
        if (decoder.GenomeSize != latent.Size)
            throw new UserInputException($"the {latent.Kind} genome has {latent.Size} dimensions but the decoder reads genomes of {decoder.GenomeSize}.");
        if (encoder.ImageShape != decoder.PhenotypeShape)
            throw new UserInputException($"the encoder reads images of {encoder.ImageShape} but the decoder grows phenotypes of {decoder.PhenotypeShape}.");
        this.latent = latent;
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
    /// <param name="options">The model's components.</param>
    /// <param name="imageShape">(C, H, W) of the data.</param>
    /// <param name="seed">Initialisation seed (also seeds the regulariser's own random streams).</param>
    /// <param name="device">Where the model lives; null for the CPU.</param>
    /// <param name="datasetSize">Size of the training set, for regularisers that need it (beta-TCVAE); 0 when unknown.</param>
    public static GenomeVae Create(ModelOptions options, (int Channels, int Height, int Width) imageShape, long seed, Device? device = null, long datasetSize = 0)
    {
        options.Validate();
        NativeRuntime.EnsureLoaded();
        GenomeVae model;
        // TorchSharp's initialisers draw from torch's one global generator: seed it and build under a lock, so that two
        // models created at once on different threads cannot interleave their draws. (Code that draws from the global
        // generator on another thread at the same moment can still interfere; pass generators explicitly there.)
        lock (InitLock)
        {
            torch.random.manual_seed(seed);
            var lat = LatentCatalog.Create(options.Latent, new LatentContext(options.LatentSize));
            var enc = EncoderCatalog.Create(options.Encoder, new EncoderContext(imageShape, lat.ParameterSize));
            var dec = DecoderCatalog.Create(options.Decoder, new DecoderContext(lat.Size, imageShape));
            var reg = RegularizerCatalog.Create(options.Regularizer, new RegularizerContext(lat.Size, datasetSize, seed, device ?? CPU));
            model = new GenomeVae(lat, enc, dec, reg, options);
        }
        if (device is not null) model.to(device);
        return model;
    }

    /// <summary>Builds the model for <paramref name="data"/>: its observation shape and its size (see <see cref="Create(ModelOptions, ValueTuple{int, int, int}, long, Device?, long)"/>).</summary>
    public static GenomeVae Create(ModelOptions options, IGroundTruthData data, long seed, Device? device = null) =>
        Create(options, data.ObservationShape, seed, device, data.Count);

    private static readonly object InitLock = new();

    /// <summary>The options this model was built from.</summary>
    public ModelOptions Options { get; }

    /// <summary>The latent genome (posterior, prior, sampling, KL).</summary>
    public LatentGenome Latent => latent;

    /// <summary>The encoder (phenotype to posterior parameters).</summary>
    public GenomeEncoder Encoder => encoder;

    /// <summary>The decoder (genome to phenotype logits).</summary>
    public GenomeDecoder Decoder => decoder;

    /// <summary>The regulariser whose terms join the loss.</summary>
    public IRegularizer Regularizer => regularizer;

    /// <summary>Latent genome dimensions.</summary>
    public int LatentSize => latent.Size;

    /// <summary>
    /// One forward pass on a batch of binary images (B, C, H, W) in [0, 1]. The genome sample's noise comes from
    /// <paramref name="generator"/>; pass null to use the posterior mean (no sampling).
    /// </summary>
    public GenomeVaeOutput Forward(Tensor images, Generator? generator, long step = 0)
    {
        var posterior = latent.Posterior(encoder.forward(images));   // (B, D) mean and log-variance
        var genome = generator is null ? posterior.Mean : latent.Sample(posterior, generator, step);
        var logits = decoder.Decode(genome, generator);               // (B, C, H, W)
        // Bernoulli NLL summed over pixels, averaged over the batch (disentanglement_lib's bernoulli loss).
        // (Per-image sums, then a mean: no temporary Scalar for the batch size, which the GC could finalise mid-call.)
        var reconstruction = nn.functional.binary_cross_entropy_with_logits(logits, images, reduction: nn.Reduction.None)
            .flatten(1).sum(dim: 1).mean();
        var klPerDim = latent.KlPerDimension(posterior);             // (B, D)
        var terms = regularizer.Compute(new LatentBatch(posterior.Mean, posterior.LogVar, genome, klPerDim), step);
        var loss = reconstruction;
        foreach (var t in terms.Values) loss = loss.Plus(t);
        return new GenomeVaeOutput(loss, reconstruction, klPerDim.sum(dim: 1).mean(), klPerDim.mean(new long[] { 0 }), terms, logits, genome,
            posterior.Mean, posterior.LogVar);
    }

    /// <summary>The posterior over genomes of a batch of images (with gradients when they are on).</summary>
    public LatentPosterior Posterior(Tensor images) => latent.Posterior(encoder.forward(images));

    /// <summary>Genome samples (B, D) of a batch of images, without gradients (noise from <paramref name="generator"/>; null: the posterior means).</summary>
    public Tensor SampleGenomes(Tensor images, Generator? generator)
    {
        using var _ = torch.no_grad();
        var posterior = Posterior(images);
        return generator is null ? posterior.Mean : latent.Sample(posterior, generator, 0);
    }

    /// <summary>KL(q(g|x) || p(g)) per image and genome dimension (B, D), without gradients.</summary>
    public Tensor KlPerDimension(Tensor images)
    {
        using var _ = torch.no_grad();
        return latent.KlPerDimension(Posterior(images));
    }

    /// <summary><paramref name="count"/> genomes (count, D) drawn from the latent's prior, on the model's device.</summary>
    public Tensor SamplePrior(long count, Generator? generator)
    {
        var device = parameters().FirstOrDefault()?.device ?? CPU;
        return latent.SamplePrior(count, generator, device);
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
        return Posterior(images).Mean;
    }

    /// <summary>Phenotype probabilities (B, C, H, W) developed from genomes (B, D), without gradients.</summary>
    public Tensor Develop(Tensor genomes)
    {
        using var _ = torch.no_grad();
        return torch.sigmoid(decoder.forward(genomes));
    }
}
