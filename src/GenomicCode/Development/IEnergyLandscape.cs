using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>
/// A decoder whose development is descent on a genome-shaped energy landscape: landscape analyses (attractors, basins,
/// barriers) and the run folder's landscape figure work on any decoder that implements it.
/// </summary>
public interface IEnergyLandscape
{
    /// <summary>Dimensions K of the developmental state.</summary>
    int StateSize { get; }

    /// <summary>Step size eta of the descent.</summary>
    double StepSize { get; }

    /// <summary>Developmental steps of one development.</summary>
    int Steps { get; }

    /// <summary>The potential E(x; g) (B) of states (B, K) under genomes (B, D).</summary>
    Tensor Energy(Tensor state, Tensor genome);

    /// <summary>
    /// The developmental trajectory of states from the start: returns the final state (B, K) and calls
    /// <paramref name="record"/> with the state at each step in <paramref name="capture"/>.
    /// </summary>
    Tensor Descend(Tensor genome, int steps, Generator generator, ISet<int>? capture = null, Action<Tensor>? record = null);
}
