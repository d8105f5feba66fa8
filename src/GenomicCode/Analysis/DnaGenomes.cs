using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Latent;
using GenomicCode.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Analysis;

/// <summary>The DNA of a genome VAE whose latent is <c>nucleotide</c>: most probable genomes, and the regulation they encode, as plain data.</summary>
public static class DnaGenomes
{
    /// <summary>The model's nucleotide latent; a one-line error when the model's genome is not DNA.</summary>
    public static NucleotideLatent Latent(GenomeVae model, string what = "the run") =>
        model.Latent as NucleotideLatent
        ?? throw new UserInputException($"{what} has a {model.Latent.Kind} genome, not DNA; train a preset with model.latent nucleotide (for example sprites-dna-grn).");

    /// <summary>The most probable genome of each image (B, C, H, W): base indices (B, L) int64, without gradients.</summary>
    public static Tensor MostProbable(GenomeVae model, Tensor images)
    {
        var latent = Latent(model);
        using var _ = torch.no_grad();
        return latent.MostProbable(model.Posterior(images));
    }

    /// <summary>
    /// The regulatory matrix W[target, regulator] (N x (N + 3M)) and the names of genes and regulators that the model's
    /// GRN decoder develops one genome (base indices (L)) with; a one-line error when the decoder does not read DNA.
    /// </summary>
    public static (double[,] Weights, string[] Genes, string[] Regulators) Regulation(GenomeVae model, Tensor indices)
    {
        var latent = Latent(model);
        if (model.Decoder is not GrnDecoder { Layout: not null } grn)
            throw new UserInputException($"the run's decoder ({model.Decoder.GetName()}) does not read DNA; only grn with options.sequence sets a regulatory matrix from the genome.");
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var device = model.parameters().First().device;
        var genome = latent.FromIndices(indices.view(1, -1).to(device));
        var (w, _) = grn.Regulation(genome);                                          // (1, N, N + 3M)
        var flat = w[0].to(ScalarType.Float64).cpu().data<double>().ToArray();
        int rows = (int)w.shape[1], cols = (int)w.shape[2];
        var weights = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) weights[i, j] = flat[i * cols + j];
        return (weights, Enumerable.Range(0, rows).Select(g => $"g{g}").ToArray(), grn.RegulatorNames.ToArray());
    }
}
