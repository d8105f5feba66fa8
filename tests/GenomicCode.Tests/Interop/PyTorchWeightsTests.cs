using GenomicCode.Core;
using GenomicCode.Interop;
using GenomicCode.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Interop;

public class PyTorchWeightsTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", "Fixtures", name);

    [Fact]
    public void Should_ReadAStateDictWrittenByPyTorch()
    {
        // Written by torch.save in PyTorch 1.13 (Interop/Fixtures/make_pytorch_fixture.py).
        var t = PyTorchWeights.Read(Fixture("pytorch_state_dict.pt"));
        Assert.Equal(new[] { "layer.bias", "layer.weight", "steps" }, t.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new long[] { 2, 3 }, t["layer.weight"].shape);
        Assert.Equal(new float[] { 1, -2, 3.5f, 0.25f, 0, -1 }, t["layer.weight"].data<float>().ToArray());
        Assert.Equal(new float[] { 0.5f, -0.5f }, t["layer.bias"].data<float>().ToArray());
        Assert.Equal(new long[] { 7, 11, 13 }, t["steps"].data<long>().ToArray());
    }

    [Fact]
    public void Should_LoadPyTorchWeightsIntoAMatchingModule_AndListMismatches()
    {
        using var layer = nn.Linear(3, 2);
        using var container = nn.Sequential(("layer", (nn.Module<Tensor, Tensor>)layer));
        using var x = torch.tensor(new float[] { 1, 1, 1 });
        var e = Assert.Throws<UserInputException>(() => PyTorchWeights.Load(container, Fixture("pytorch_state_dict.pt")));
        Assert.Contains("unexpected 'steps'", e.Message);
        Assert.NotEqual(new float[] { 3.0f, -1.25f }, layer.forward(x).data<float>().ToArray()); // nothing copied

        var weights = PyTorchWeights.Read(Fixture("pytorch_state_dict.pt"));
        weights.Remove("steps");
        StateDicts.Apply(container, weights, "fixture");
        // W . (1, 1, 1) + b = (1 - 2 + 3.5 + 0.5, 0.25 + 0 - 1 - 0.5) = (3, -1.25).
        Assert.Equal(new float[] { 3.0f, -1.25f }, layer.forward(x).data<float>().ToArray());
    }

    [Fact]
    public void Should_RoundTripAModel_When_SavedAsPt()
    {
        using var dir = new TempDir();
        var options = TestModels.Options(latent: 3, hidden: 16);
        using var a = GenomeVae.Create(options, (1, 64, 64), seed: 1);
        using var b = GenomeVae.Create(options, (1, 64, 64), seed: 2);
        PyTorchWeights.Save(a, dir["m.pt"]);
        PyTorchWeights.Load(b, dir["m.pt"]);
        using var g = torch.randn(2, 3);
        using var ya = a.Develop(g);
        using var yb = b.Develop(g);
        Assert.True(ya.eq(yb).all().item<bool>());
    }

    [Fact]
    public void Should_GiveAClearError_When_TheFileIsNotAStateDict()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["bad.pt"], "this is not a zip file");
        var e = Assert.Throws<UserInputException>(() => PyTorchWeights.Read(dir["bad.pt"]));
        Assert.Contains("not a readable PyTorch state dict", e.Message);
    }
}
