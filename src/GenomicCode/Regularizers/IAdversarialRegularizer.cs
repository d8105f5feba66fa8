using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>
/// A regulariser that owns a network of its own (FactorVAE's discriminator) and trains it after every model step on the
/// genomes of that step's batch and of a second, independent batch that the trainer provides.
/// </summary>
public interface IAdversarialRegularizer : IRegularizer
{
    /// <summary>
    /// One update of the regulariser's own network. <paramref name="first"/>: the detached genome samples (B, D) of the
    /// batch the model just trained on; <paramref name="second"/>: genome samples (B, D) of another batch, without
    /// gradients. Returns plain-number terms to log.
    /// </summary>
    IReadOnlyDictionary<string, double> Update(Tensor first, Tensor second, long step);
}
