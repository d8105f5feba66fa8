using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Gaussian mutation with a separate standard deviation per gene: g_i += N(0, s_i^2) (Beyer and Schwefel 2002, section 4.1).</summary>
public sealed class ScaledGaussianMutation : IMutation
{
    private readonly Tensor scale;

    /// <summary>Creates the operator with per-gene standard deviations <paramref name="scale"/> (G), which is copied.</summary>
    public ScaledGaussianMutation(Tensor scale)
    {
        if (scale.dim() != 1) throw new Core.UserInputException($"per-gene mutation sizes are a (G) vector, got ({string.Join(", ", scale.shape)}).");
        if (scale.Lt(0).any().item<bool>()) throw new Core.UserInputException("per-gene mutation sizes must be >= 0.");
        this.scale = scale.detach().clone().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Mutate(Tensor genomes, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        var noise = torch.randn(genomes.shape, dtype: genomes.dtype, device: genomes.device, generator: generator) * scale.to(genomes.dtype);
        return genomes.Plus(noise).MoveToOuterDisposeScope();
    }
}
