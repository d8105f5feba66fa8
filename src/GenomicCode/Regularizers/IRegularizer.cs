using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>
/// A term added to the reconstruction loss that shapes the latent genome. It sees only the latent batch and the step,
/// never the encoder or decoder, and returns named scalar terms (averaged over the batch) whose sum joins the loss.
/// </summary>
public interface IRegularizer
{
    /// <summary>Catalogue name, for example <c>beta-vae</c>.</summary>
    string Name { get; }

    /// <summary>Computes the named scalar terms for one batch at a training step.</summary>
    IReadOnlyDictionary<string, Tensor> Compute(LatentBatch latent, long step);
}
