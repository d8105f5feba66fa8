using GenomicCode.Development;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Development;

/// <summary>Hand-computed cases for the numeric pieces of the developmental decoders.</summary>
[Collection(TorchCollection.Name)]
public class DecoderMathTests
{
    [Fact]
    public void Should_GiveIdentityAndUnitSobel_When_PerceivingARamp()
    {
        // Given a 5x5 ramp f(y, x) = x: identity returns x, Sobel x / 8 returns 1 and Sobel y / 8 returns 0 inside.
        using var scope = torch.NewDisposeScope();
        var ramp = torch.arange(5, dtype: ScalarType.Float32).view(1, 1, 1, 5).expand(1, 1, 5, 5).contiguous();
        var p = nn.functional.conv2d(ramp, NcaDecoder.PerceptionKernel(1), padding: new long[] { 1, 1 }, groups: 1);
        Assert.Equal(new long[] { 1, 3, 5, 5 }, p.shape);
        Assert.Equal(2f, p[0L, 0L, 2L, 2L].item<float>());
        Assert.Equal(1f, p[0L, 1L, 2L, 2L].item<float>(), 6);
        Assert.Equal(0f, p[0L, 2L, 2L, 2L].item<float>(), 6);
    }

    [Fact]
    public void Should_MatchTheHandComputedStep_When_DevelopingAGrnFromSuppliedRegulation()
    {
        // Given 3 genes (readout 0, alive 1, other 2), 1 morphogen (3 signals), W = 0, b = (0.5, 2, 0), tau 0.2, one step.
        // Zygote x = (0, 1, 0): x' = 0.8 x + 0.2 tanh(b) = (0.2 tanh 0.5, 0.8 + 0.2 tanh 2, 0).
        // Its neighbours: x' = 0.2 tanh(b) (alive gene 0.193 > 0.1); cells two away stay dead.
        using var scope = torch.NewDisposeScope();
        using var grn = new GrnDecoder(2, (1, 5, 5), new GrnOptions { Channels = 3, Morphogens = 1, Steps = 1 });
        var w = torch.zeros(1, 3, 6);
        var b = torch.tensor(new float[] { 0.5f, 2f, 0f }).view(1, 3);
        var logits = grn.DevelopFrom(w, b, null).Phenotype; // gain 3, bias -3 at initialisation
        double expected = 3 * 0.2 * Math.Tanh(0.5) - 3;
        Assert.Equal(expected, logits[0L, 0L, 2L, 2L].item<float>(), 5);
        Assert.Equal(expected, logits[0L, 0L, 1L, 2L].item<float>(), 5);
        Assert.Equal(-3.0, logits[0L, 0L, 0L, 0L].item<float>(), 5);
    }

    [Theory]
    [InlineData("leaky", 0.36, 0.2)]
    [InlineData("kouvaris", 1.8, 1.0)]
    public void Should_MatchTheHandComputedTwoSteps_When_ChoosingTheDynamics(string dynamics, double centre, double corner)
    {
        // Given 3 genes (readout 0, alive 1, other 2), W = 0, b = (0.5, 2, 0), two steps from the zygote x = (0, 1, 0);
        // with W = 0 every living cell's drive is b, and t = tanh(b). Leaky (tau 0.2): x1 = 0.2 t, x2 = 0.8 x1 + 0.2 t.
        // Kouvaris (tau1 1, tau2 0.2): x1 = t, x2 = 0.8 x1 + t. Readout gene at the centre: leaky 0.36 tanh 0.5,
        // kouvaris 1.8 tanh 0.5 (beyond tanh's range: fixed points up to tau1 / tau2). The corner (0, 0), two cells away,
        // comes alive in step 2 (its neighbour's alive gene 0.2 tanh 2 or tanh 2 exceeds 0.1): leaky 0.2 t, kouvaris t.
        using var scope = torch.NewDisposeScope();
        using var grn = new GrnDecoder(2, (1, 5, 5), new GrnOptions { Channels = 3, Morphogens = 1, Steps = 2, Dynamics = dynamics });
        var w = torch.zeros(1, 3, 6);
        var b = torch.tensor(new float[] { 0.5f, 2f, 0f }).view(1, 3);
        var logits = grn.DevelopFrom(w, b, null).Phenotype; // gain 3, bias -3 at initialisation
        Assert.Equal(3 * centre * Math.Tanh(0.5) - 3, logits[0L, 0L, 2L, 2L].item<float>(), 5);
        Assert.Equal(3 * centre * Math.Tanh(0.5) - 3, logits[0L, 0L, 1L, 2L].item<float>(), 5);
        Assert.Equal(3 * corner * Math.Tanh(0.5) - 3, logits[0L, 0L, 0L, 0L].item<float>(), 5);
    }

    [Fact]
    public void Should_MatchTheHandComputedDescent_When_RunningTheLandscape()
    {
        // Given E = 0.5 |x|^2 + tanh(x0) (one hidden unit), eta = 0.1, from x = 0:
        // x1 = -eta (1, 0) = (-0.1, 0); x2 = x1 - eta (x1 + (1 - tanh^2(x1_0), 0)) = -0.1 - 0.1 (-0.1 + 0.99006650) = -0.18900665.
        using var scope = torch.NewDisposeScope();
        using var d = new LandscapeDecoder(1, (1, 16, 16), new LandscapeOptions { Channels = 3, HiddenSize = 8, StepSize = 0.1, ReadoutHiddenSize = 16 });
        using (torch.no_grad())
        {
            foreach (var (name, p) in d.named_parameters())
                if (!name.StartsWith("readout", StringComparison.Ordinal)) p.zero_();
            var named = d.named_parameters().ToDictionary(x => x.name, x => x.parameter);
            named["stateIn.weight"][0L, 0L] = torch.tensor(1f);
            named["energyOut.weight"][0L, 0L] = torch.tensor(1f);
        }
        var states = new List<Tensor>();
        var end = d.Descend(torch.zeros(1, 1), 2, new Generator(1), new HashSet<int> { 1, 2 }, states.Add);
        Assert.Equal(-0.1, states[0][0L, 0L].item<float>(), 6);
        Assert.Equal(-0.18900665, end[0L, 0L].item<float>(), 6);
        Assert.Equal(0.0, end[0L, 1L].item<float>(), 6);
    }

    [Fact]
    public void Should_GiveUnitNorms_When_NormalisingGradientsPerParameter()
    {
        using var scope = torch.NewDisposeScope();
        var p = new TorchSharp.Modules.Parameter(torch.zeros(2));
        p.grad = torch.tensor(new float[] { 3, 4 });
        GradientNormalization.NormalizePerParameter(new[] { p });
        Assert.Equal(0.6f, p.grad![0L].item<float>(), 6);
        Assert.Equal(0.8f, p.grad![1L].item<float>(), 6);
    }
}
