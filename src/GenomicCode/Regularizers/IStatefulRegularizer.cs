
namespace GenomicCode.Regularizers;

/// <summary>
/// A regulariser with state of its own that must survive a checkpoint (FactorVAE's discriminator and its optimiser), so
/// that a resumed run continues exactly like an uninterrupted one.
/// </summary>
public interface IStatefulRegularizer
{
    /// <summary>Writes the state after the model's and optimiser's in a checkpoint.</summary>
    void SaveState(BinaryWriter writer);

    /// <summary>Reads the state that <see cref="SaveState"/> wrote.</summary>
    void LoadState(BinaryReader reader);
}
