using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Numerics;

/// <summary>
/// Tensor-and-number arithmetic that keeps its TorchSharp <see cref="Scalar"/> alive until libtorch is done with it.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns a number into a native <see cref="Scalar"/> for <c>t * 0.5</c>, <c>t.mul(0.5)</c>,
/// <c>torch.full(shape, 1.0)</c> and the like (and for the implicit alpha 1 of <c>a + b</c> and the 2 of <c>square()</c>),
/// passes its handle to libtorch and keeps no reference to it during the call.
/// When another thread triggers a garbage collection meanwhile (a notebook kernel, a progress display, any
/// <c>Parallel</c> loop), the finaliser can free the native scalar while libtorch still reads it: the call fails with
/// "Unknown scalar type", or worse, computes with whatever now sits in that memory. Each method here makes the
/// <see cref="Scalar"/>, holds it for the whole call and frees it right after. GenomicCode does all its tensor-and-number
/// arithmetic through this class (a test scans the compiled assemblies for any other); code of your own that runs on
/// several threads should do the same. Integer arguments make integer scalars, so integer tensors keep their dtype.
/// </remarks>
public static class ScalarMath
{
    // Held for the life of the process (static roots are never finalised): the alpha of every addition, and the square's exponent.
    private static readonly Scalar One = 1L.ToScalar();
    private static readonly Scalar Two = 2L.ToScalar();

    /// <summary>
    /// <paramref name="a"/> + <paramref name="b"/>. Use it instead of the + operator: TorchSharp's <c>a + b</c> is
    /// <c>a.add(b, 1)</c> with an unheld scalar for the 1.
    /// </summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>In place: <paramref name="t"/> += <paramref name="other"/>; returns <paramref name="t"/> (TorchSharp's <c>add_(other)</c> makes an unheld alpha 1).</summary>
    public static Tensor Add_(this Tensor t, Tensor other) => t.add_(other, One);

    /// <summary><paramref name="t"/> squared, element-wise (TorchSharp's <c>square()</c> is <c>pow(2)</c> with an unheld 2).</summary>
    public static Tensor Square(this Tensor t) => t.pow(Two);

    /// <summary><paramref name="t"/> * <paramref name="value"/>.</summary>
    public static Tensor Mul(this Tensor t, double value) { using var s = value.ToScalar(); return t.mul(s); }

    /// <summary><paramref name="t"/> * <paramref name="value"/> (integer scalar: integer tensors stay integer).</summary>
    public static Tensor Mul(this Tensor t, long value) { using var s = value.ToScalar(); return t.mul(s); }

    /// <summary>In place: <paramref name="t"/> *= <paramref name="value"/>; returns <paramref name="t"/>.</summary>
    public static Tensor Mul_(this Tensor t, double value) { using var s = value.ToScalar(); return t.mul_(s); }

    /// <summary><paramref name="t"/> / <paramref name="value"/> (true division).</summary>
    public static Tensor Div(this Tensor t, double value) { using var s = value.ToScalar(); return t.div(s); }

    /// <summary>In place: <paramref name="t"/> /= <paramref name="value"/>; returns <paramref name="t"/>.</summary>
    public static Tensor Div_(this Tensor t, double value) { using var s = value.ToScalar(); return t.div_(s); }

    /// <summary><paramref name="t"/> / <paramref name="value"/> rounded by <paramref name="roundingMode"/> (integer tensors stay integer: <c>rows.Div(4, RoundingMode.floor)</c>).</summary>
    public static Tensor Div(this Tensor t, long value, RoundingMode roundingMode) { using var s = value.ToScalar(); return t.div(s, roundingMode); }

    /// <summary><paramref name="value"/> / <paramref name="t"/>, element-wise.</summary>
    public static Tensor RDiv(this Tensor t, double value) { using var s = value.ToScalar(); return t.reciprocal().mul(s); }

    /// <summary><paramref name="t"/> + <paramref name="value"/>.</summary>
    public static Tensor Add(this Tensor t, double value) { using var s = value.ToScalar(); return t.add(s, One); }

    /// <summary><paramref name="t"/> + <paramref name="value"/> (integer scalar: integer tensors stay integer).</summary>
    public static Tensor Add(this Tensor t, long value) { using var s = value.ToScalar(); return t.add(s, One); }

    /// <summary>In place: <paramref name="t"/> += <paramref name="value"/>; returns <paramref name="t"/>.</summary>
    public static Tensor Add_(this Tensor t, double value) { using var s = value.ToScalar(); return t.add_(s, One); }

    /// <summary><paramref name="t"/> + <paramref name="alpha"/> * <paramref name="other"/>.</summary>
    public static Tensor Add(this Tensor t, Tensor other, double alpha) { using var s = alpha.ToScalar(); return t.add(other, s); }

    /// <summary>In place: <paramref name="t"/> += <paramref name="alpha"/> * <paramref name="other"/>; returns <paramref name="t"/>.</summary>
    public static Tensor Add_(this Tensor t, Tensor other, double alpha) { using var s = alpha.ToScalar(); return t.add_(other, s); }

    /// <summary><paramref name="t"/> - <paramref name="value"/>.</summary>
    public static Tensor Sub(this Tensor t, double value) { using var s = value.ToScalar(); return t.sub(s); }

    /// <summary><paramref name="t"/> - <paramref name="value"/> (integer scalar: integer tensors stay integer).</summary>
    public static Tensor Sub(this Tensor t, long value) { using var s = value.ToScalar(); return t.sub(s); }

    /// <summary><paramref name="value"/> - <paramref name="t"/>, element-wise.</summary>
    public static Tensor RSub(this Tensor t, double value) { using var s = value.ToScalar(); return t.neg().add(s, One); }

    /// <summary><paramref name="value"/> - <paramref name="t"/> (integer scalar: integer tensors stay integer).</summary>
    public static Tensor RSub(this Tensor t, long value) { using var s = value.ToScalar(); return t.neg().add(s, One); }

    /// <summary><paramref name="t"/> raised to <paramref name="exponent"/>.</summary>
    public static Tensor Pow(this Tensor t, double exponent) { using var s = exponent.ToScalar(); return t.pow(s); }

    /// <summary><paramref name="t"/> modulo <paramref name="value"/> (Python's sign convention, as torch.remainder).</summary>
    public static Tensor Remainder(this Tensor t, long value) { using var s = value.ToScalar(); return t.remainder(s); }

    /// <summary><paramref name="t"/> clamped to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Tensor Clamp(this Tensor t, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        return t.clamp(lo, hi);
    }

    /// <summary><paramref name="t"/> clamped from below at <paramref name="min"/>.</summary>
    public static Tensor ClampMin(this Tensor t, double min) { using var s = min.ToScalar(); return t.clamp_min(s); }

    /// <summary><paramref name="t"/> clamped from above at <paramref name="max"/>.</summary>
    public static Tensor ClampMax(this Tensor t, double max) { using var s = max.ToScalar(); return t.clamp_max(s); }

    /// <summary>Boolean tensor: <paramref name="t"/> &lt; <paramref name="value"/>.</summary>
    public static Tensor Lt(this Tensor t, double value) { using var s = value.ToScalar(); return t.lt(s); }

    /// <summary>Boolean tensor: <paramref name="t"/> &lt;= <paramref name="value"/>.</summary>
    public static Tensor Le(this Tensor t, double value) { using var s = value.ToScalar(); return t.le(s); }

    /// <summary>Boolean tensor: <paramref name="t"/> &gt; <paramref name="value"/>.</summary>
    public static Tensor Gt(this Tensor t, double value) { using var s = value.ToScalar(); return t.gt(s); }

    /// <summary>Boolean tensor: <paramref name="t"/> &gt;= <paramref name="value"/>.</summary>
    public static Tensor Ge(this Tensor t, double value) { using var s = value.ToScalar(); return t.ge(s); }

    /// <summary>In place: <paramref name="t"/> becomes 1 where <paramref name="t"/> &lt; <paramref name="value"/>, else 0, keeping its dtype; returns <paramref name="t"/>.</summary>
    public static Tensor Lt_(this Tensor t, double value) { using var s = value.ToScalar(); return t.lt_(s); }

    /// <summary>In place: <paramref name="t"/> becomes 1 where <paramref name="t"/> &gt; <paramref name="value"/>, else 0, keeping its dtype; returns <paramref name="t"/>.</summary>
    public static Tensor Gt_(this Tensor t, double value) { using var s = value.ToScalar(); return t.gt_(s); }

    /// <summary>Boolean tensor: <paramref name="t"/> == <paramref name="value"/> (an integer value compares exactly with integer tensors).</summary>
    public static Tensor Eq(this Tensor t, long value) { using var s = value.ToScalar(); return t.eq(s); }

    /// <summary>Boolean tensor: <paramref name="t"/> == <paramref name="value"/>.</summary>
    public static Tensor Eq(this Tensor t, double value) { using var s = value.ToScalar(); return t.eq(s); }

    /// <summary>In place: every element of <paramref name="t"/> set to <paramref name="value"/>; returns <paramref name="t"/>.</summary>
    public static Tensor Fill_(this Tensor t, double value) { using var s = value.ToScalar(); return t.fill_(s); }

    /// <summary><paramref name="t"/> with the elements where <paramref name="mask"/> is true set to <paramref name="value"/>.</summary>
    public static Tensor MaskedFill(this Tensor t, Tensor mask, double value) { using var s = value.ToScalar(); return t.masked_fill(mask, s); }

    /// <summary><paramref name="t"/> + <paramref name="value"/> * <paramref name="a"/> * <paramref name="b"/>.</summary>
    public static Tensor AddCMul(this Tensor t, Tensor a, Tensor b, double value) { using var s = value.ToScalar(); return t.addcmul(a, b, s); }

    /// <summary>In place: <paramref name="t"/> += <paramref name="value"/> * <paramref name="a"/> * <paramref name="b"/>; returns <paramref name="t"/>.</summary>
    public static Tensor AddCMul_(this Tensor t, Tensor a, Tensor b, double value) { using var s = value.ToScalar(); return t.addcmul_(a, b, s); }

    /// <summary>In place: <paramref name="t"/> += <paramref name="value"/> * <paramref name="a"/> / <paramref name="b"/>; returns <paramref name="t"/>.</summary>
    public static Tensor AddCDiv_(this Tensor t, Tensor a, Tensor b, double value) { using var s = value.ToScalar(); return t.addcdiv_(a, b, s); }

    /// <summary>Leaky ReLU with negative slope <paramref name="slope"/> (use instead of <c>nn.LeakyReLU</c>, whose forward makes an unheld scalar).</summary>
    public static Tensor LeakyRelu(this Tensor t, double slope) { using var s = slope.ToScalar(); return t.leaky_relu(s); }

    /// <summary>
    /// The 1-D tensor 0, 1, ..., <paramref name="end"/> - 1 (int64 unless <paramref name="dtype"/> says otherwise), as
    /// <c>torch.arange(end)</c>, whose start 0 and step 1 are unheld scalars too: all three are held here.
    /// </summary>
    public static Tensor Arange(long end, ScalarType? dtype = null, Device? device = null)
    {
        using var start = 0L.ToScalar();
        using var stop = end.ToScalar();
        using var step = 1L.ToScalar();
        return torch.arange(start, stop, step, dtype: dtype, device: device);
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, ScalarType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        using var s = value.ToScalar();
        return torch.full(shape, s, dtype: dtype, device: device, requires_grad: requiresGrad);
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with the integer <paramref name="value"/> (int64 unless <paramref name="dtype"/> says otherwise).</summary>
    public static Tensor Full(long[] shape, long value, ScalarType? dtype = null, Device? device = null)
    {
        using var s = value.ToScalar();
        return torch.full(shape, s, dtype: dtype, device: device);
    }
}
