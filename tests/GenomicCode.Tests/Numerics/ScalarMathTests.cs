using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Numerics;

public class ScalarMathTests
{
    private static float[] Values(Tensor t) => t.to(ScalarType.Float32).data<float>().ToArray();

    [Fact]
    public void Should_MatchHandComputedValues_When_CombiningATensorWithANumber()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new float[] { -2, 0.5f, 4 });
        Assert.Equal(new float[] { -1, 0.25f, 2 }, Values(t.Mul(0.5)));
        Assert.Equal(new float[] { -8, 2, 16 }, Values(t.Mul(4L)));
        Assert.Equal(new float[] { -0.5f, 0.125f, 1 }, Values(t.Div(4)));
        Assert.Equal(new float[] { -0.5f, 2, 0.25f }, Values(t.RDiv(1)));
        Assert.Equal(new float[] { -1.5f, 1, 4.5f }, Values(t.Add(0.5)));
        Assert.Equal(new float[] { -3, -0.5f, 3 }, Values(t.Sub(1.0)));
        Assert.Equal(new float[] { 3, 0.5f, -3 }, Values(t.RSub(1.0)));
        Assert.Equal(new float[] { 4, 0.25f, 16 }, Values(t.Pow(2)));
        Assert.Equal(new float[] { 4, 0.25f, 16 }, Values(t.Square()));
        Assert.Equal(new float[] { -1, 2.5f, 8 }, Values(t.Plus(tensor(new float[] { 1, 2, 4 }))));
        Assert.Equal(new float[] { -1, 0.5f, 1 }, Values(t.Clamp(-1, 1)));
        Assert.Equal(new float[] { 0, 0.5f, 4 }, Values(t.ClampMin(0)));
        Assert.Equal(new float[] { -2, 0.5f, 3 }, Values(t.ClampMax(3)));
        Assert.Equal(new float[] { -2, 1.5f, 6 }, Values(t.Add(tensor(new float[] { 0, 2, 4 }), 0.5)));
        Assert.Equal(new float[] { -2, 1.5f, 7 }, Values(t.AddCMul(tensor(new float[] { 1, 1, 2 }), tensor(new float[] { 0, 2, 3 }), 0.5)));
        Assert.Equal(new float[] { -0.4f, 0.5f, 4 }, Values(t.LeakyRelu(0.2)));
        Assert.Equal(new float[] { 1, 0, 0 }, Values(t.Lt(0)));
        Assert.Equal(new float[] { 1, 1, 0 }, Values(t.Le(0.5)));
        Assert.Equal(new float[] { 0, 1, 1 }, Values(t.Gt(0)));
        Assert.Equal(new float[] { 0, 0, 1 }, Values(t.Ge(4)));
        Assert.Equal(new float[] { 0, 1, 0 }, Values(t.Eq(0.5)));
        Assert.Equal(new float[] { 9, 0.5f, 9 }, Values(t.MaskedFill(t.Gt(1).logical_or(t.Lt(0)), 9)));
    }

    [Fact]
    public void Should_ChangeTheTensorItself_When_UsingAnInPlaceVariant()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new float[] { 1, 2 });
        Assert.Same(t, t.Mul_(3));
        Assert.Equal(new float[] { 3, 6 }, Values(t));
        t.Div_(2);
        Assert.Equal(new float[] { 1.5f, 3 }, Values(t));
        t.Add_(0.5);
        Assert.Equal(new float[] { 2, 3.5f }, Values(t));
        t.Add_(tensor(new float[] { 1, 1 }));
        Assert.Equal(new float[] { 3, 4.5f }, Values(t));
        t.Add_(tensor(new float[] { 4, 4 }), -0.5);
        Assert.Equal(new float[] { 1, 2.5f }, Values(t));
        t.AddCMul_(tensor(new float[] { 1, 2 }), tensor(new float[] { 2, 2 }), 0.25);
        Assert.Equal(new float[] { 1.5f, 3.5f }, Values(t));
        t.Fill_(7);
        Assert.Equal(new float[] { 7, 7 }, Values(t));
        Assert.Same(t, t.Gt_(6.5));
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(new float[] { 1, 1 }, Values(t));
        var u = tensor(new float[] { 0.25f, 0.75f });
        Assert.Same(u, u.Lt_(0.5));
        Assert.Equal(new float[] { 1, 0 }, Values(u));
    }

    [Fact]
    public void Should_KeepIntegerTensorsInteger_When_TheNumberIsAnInteger()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new long[] { -3, 2, 7 });
        Assert.Equal(ScalarType.Int64, t.Mul(2L).dtype);
        Assert.Equal(new long[] { -2, 3, 8 }, t.Add(1L).data<long>().ToArray());
        Assert.Equal(new long[] { -4, 1, 6 }, t.Sub(1L).data<long>().ToArray());
        Assert.Equal(new long[] { 4, -1, -6 }, t.RSub(1L).data<long>().ToArray());
        Assert.Equal(new long[] { 1, 2, 3 }, t.Remainder(4).data<long>().ToArray()); // Python's sign: -3 mod 4 = 1
        Assert.Equal(new[] { false, true, false }, t.Eq(2L).data<bool>().ToArray());
        var floored = t.Div(2, RoundingMode.floor);
        Assert.Equal(ScalarType.Int64, floored.dtype);
        Assert.Equal(new long[] { -2, 1, 3 }, floored.data<long>().ToArray()); // floor(-1.5) = -2
        var full = ScalarMath.Full([2, 2], 3L);
        Assert.Equal(ScalarType.Int64, full.dtype);
        Assert.Equal(new long[] { 3, 3, 3, 3 }, full.data<long>().ToArray());
        var range = ScalarMath.Arange(4);
        Assert.Equal(ScalarType.Int64, range.dtype);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, range.data<long>().ToArray());
        Assert.Equal(new[] { 0.0, 1.0, 2.0 }, ScalarMath.Arange(3, ScalarType.Float64).data<double>().ToArray());
        var halves = ScalarMath.Full([3], 0.5, ScalarType.Float64);
        Assert.Equal(new[] { 0.5, 0.5, 0.5 }, halves.data<double>().ToArray());
    }

    [Fact]
    public void Should_GiveTheSameGradientAsTheOperator_When_Differentiating()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 0.5, 2.0 }, requires_grad: true);
        // d/dx (3 - x) / x ... via RSub and RDiv: f = RSub(x, 3) * RDiv(x, 2) = (3 - x) * 2 / x; f' = -6 / x^2.
        var f = x.RSub(3.0).mul(x.RDiv(2.0)).sum();
        f.backward();
        Assert.Equal(new[] { -24.0, -1.5 }, x.grad!.data<double>().ToArray());
        // g = x^2 + x via Square and Plus: g' = 2x + 1.
        var y = tensor(new[] { 0.5, 2.0 }, requires_grad: true);
        y.Square().Plus(y).sum().backward();
        Assert.Equal(new[] { 2.0, 5.0 }, y.grad!.data<double>().ToArray());
    }

    [Fact]
    public void Should_FindEveryUnheldScalar_When_ScanningMethodsThatMakeThem()
    {
        var found = UnheldScalarScanner.Find(typeof(ScalarMathTests).Assembly.Location, typeof(UnheldScalarSamples).FullName!);
        Assert.Equal(new[]
        {
            "GenomicCode.Tests.Numerics.UnheldScalarSamples::Conversion calls TorchSharp.Scalar::op_Implicit(double)",
            "GenomicCode.Tests.Numerics.UnheldScalarSamples::LeakyModule calls TorchSharp.torch/nn::LeakyReLU(double,Boolean)",
            "GenomicCode.Tests.Numerics.UnheldScalarSamples::Operator calls TorchSharp.torch/Tensor::op_Multiply(Tensor,double)",
            "GenomicCode.Tests.Numerics.UnheldScalarSamples::ReversedOperator calls TorchSharp.torch/Tensor::op_Subtraction(int,Tensor)",
            "GenomicCode.Tests.Numerics.UnheldScalarSamples::ConvertingInside calls TorchSharp.torch/nn/functional::leaky_relu(Tensor,double,Boolean)",
            "GenomicCode.Tests.Numerics.UnheldScalarSamples::TensorSum calls TorchSharp.torch/Tensor::op_Addition(Tensor,Tensor)",
            "GenomicCode.Tests.Numerics.UnheldScalarSamples::Squared calls TorchSharp.torch/Tensor::square()",
            "GenomicCode.Tests.Numerics.UnheldScalarSamples::Optimizer calls TorchSharp.torch/optim::Adam(IEnumerable`1<Parameter>,double,double,double,double,double,Boolean,Boolean)",
        }.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(typeof(GenomicCode.Models.GenomeVae))]
    [InlineData(typeof(GenomicCode.Cli.GenomicCodeApp))]
    [InlineData(typeof(GenomicCode.Interactive.NotebookFormatters))]
    [InlineData(typeof(GenomicCode.Gpu.IlgpuPopulationBackend))]
    public void Should_HoldEveryScalar_When_GenomicCodeCombinesTensorsWithNumbers(Type typeInAssembly)
    {
        var found = UnheldScalarScanner.Find(typeInAssembly.Assembly.Location, "GenomicCode", typeof(ScalarMath).FullName!);
        Assert.True(found.Count == 0, $"{found.Count} calls make a TorchSharp Scalar that nobody holds during the native call; " +
            "use GenomicCode.Numerics.ScalarMath (t.Mul(0.5), t.RSub(1), ScalarMath.Full(...)) instead:\n" + string.Join("\n", found));
    }
}

/// <summary>Each method makes an unheld Scalar one way (the scanner must find all eight); <see cref="Held"/> makes none.</summary>
internal static class UnheldScalarSamples
{
    public static Tensor Conversion(Tensor t) => t.mul(0.5);
    public static Tensor Operator(Tensor t) => t * 0.5;
    public static Tensor ReversedOperator(Tensor t) => 1 - t;
    public static Tensor ConvertingInside(Tensor t) => nn.functional.leaky_relu(t, 0.1);
    public static nn.Module<Tensor, Tensor> LeakyModule() => nn.LeakyReLU(0.2);
    public static Tensor TensorSum(Tensor a, Tensor b) => a + b;          // a.add(b, 1): the 1 is the unheld scalar
    public static Tensor Squared(Tensor t) => t.square();                 // pow(2)
    public static optim.Optimizer Optimizer(IEnumerable<TorchSharp.Modules.Parameter> p) => optim.Adam(p); // its step makes unheld scalars
    public static Tensor Held(Tensor t) => t.Mul(0.5).RSub(1L).Plus(t * t - t).Square();
}
