using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Parent selection: picks <c>count</c> parent indices from a population's fitness (higher is better).</summary>
public interface ISelection
{
    /// <summary>Indices (count) into the population whose fitness is <paramref name="fitness"/> (N).</summary>
    Tensor SelectParents(Tensor fitness, int count, Generator generator);
}
