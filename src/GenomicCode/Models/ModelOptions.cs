using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Latent;
using GenomicCode.Regularizers;

namespace GenomicCode.Models;

/// <summary>
/// A genome VAE as a preset's <c>model</c> names it: the latent size shared by its parts, and four components chosen
/// from their catalogues, each <c>{ "name": ..., "options": { ... } }</c> (or a bare name for the defaults). Defaults
/// follow disentanglement_lib (Locatello et al. 2019): 10 Gaussian latents, conv encoder and decoder, beta-VAE.
/// </summary>
public sealed record ModelOptions
{
    /// <summary>Latent genome dimensions (1..1024): Gaussian dimensions, or the loci of a <c>nucleotide</c> genome (4 numbers each). Default 10.</summary>
    public int LatentSize { get; init; } = 10;

    /// <summary>The latent genome (<c>genomic-code list latents</c>). Default <c>gaussian</c>.</summary>
    [JsonConverter(typeof(LatentSpecJson))]
    public ComponentSpec Latent { get; init; } = LatentCatalog.Spec("gaussian");

    /// <summary>The encoder (<c>genomic-code list encoders</c>). Default <c>conv</c>.</summary>
    [JsonConverter(typeof(EncoderSpecJson))]
    public ComponentSpec Encoder { get; init; } = EncoderCatalog.Spec("conv");

    /// <summary>The decoder, i.e. development (<c>genomic-code list decoders</c>). Default <c>conv</c>.</summary>
    [JsonConverter(typeof(DecoderSpecJson))]
    public ComponentSpec Decoder { get; init; } = DecoderCatalog.Spec("conv");

    /// <summary>The regulariser (<c>genomic-code list regularizers</c>). Default <c>beta-vae</c> with beta 1 (the plain VAE).</summary>
    [JsonConverter(typeof(RegularizerSpecJson))]
    public ComponentSpec Regularizer { get; init; } = RegularizerCatalog.Spec("beta-vae");

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range.</summary>
    public ModelOptions Validate()
    {
        Guard.InRange(LatentSize, 1, 1024);
        LatentCatalog.Catalogue.Validate(Latent ?? throw Missing("latent"), "model.latent");
        EncoderCatalog.Catalogue.Validate(Encoder ?? throw Missing("encoder"), "model.encoder");
        DecoderCatalog.Catalogue.Validate(Decoder ?? throw Missing("decoder"), "model.decoder");
        RegularizerCatalog.Catalogue.Validate(Regularizer ?? throw Missing("regularizer"), "model.regularizer");
        return this;
    }

    /// <summary>These options with the regulariser's beta set (beta-vae, beta-tcvae); a regulariser without one is a one-line error.</summary>
    public ModelOptions WithBeta(double beta) => this with { Regularizer = RegularizerCatalog.WithBeta(Regularizer, beta) };

    /// <summary>
    /// Reads model options from JSON, upgrading the previous form (see <see cref="ModelOptionsUpgrade"/>) first; unknown
    /// fields and names are a <see cref="JsonException"/>.
    /// </summary>
    public static ModelOptions FromJson(string json)
    {
        var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (node is not JsonObject model) throw new JsonException("model options must be a JSON object.");
        ModelOptionsUpgrade.Upgrade(model);
        return model.Deserialize<ModelOptions>(JsonSettings.Default) ?? throw new JsonException("model options must be a JSON object.");
    }

    private static UserInputException Missing(string field) =>
        new($"model.{field} must not be null; leave it out for the default.");
}
