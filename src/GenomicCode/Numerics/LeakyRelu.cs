using static TorchSharp.torch;

namespace GenomicCode.Numerics;

/// <summary>
/// Leaky ReLU layer, max(x, 0) + slope * min(x, 0) (Maas et al. 2013), computed through <see cref="ScalarMath.LeakyRelu"/>:
/// use it instead of <c>nn.LeakyReLU</c>, whose forward hands libtorch a scalar nobody holds (see <see cref="ScalarMath"/>).
/// No parameters, so state dictionaries are the same as with <c>nn.LeakyReLU</c>.
/// </summary>
public sealed class LeakyRelu : nn.Module<Tensor, Tensor>
{
    /// <summary>A leaky ReLU with negative slope <paramref name="slope"/>.</summary>
    public LeakyRelu(double slope) : base(nameof(LeakyRelu)) => Slope = slope;

    /// <summary>The slope for negative inputs.</summary>
    public double Slope { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.LeakyRelu(Slope);
}
