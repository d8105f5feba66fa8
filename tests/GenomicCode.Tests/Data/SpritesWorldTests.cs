using GenomicCode.Core;
using GenomicCode.Data;
using TorchSharp;

namespace GenomicCode.Tests.Data;

public class SpritesWorldTests
{
    private readonly SpritesWorld world = new();

    [Fact]
    public void Should_HaveDSpritesFactorGrid_When_Created()
    {
        Assert.Equal(new[] { 3, 6, 40, 32, 32 }, world.FactorSizes);
        Assert.Equal(new[] { "shape", "scale", "orientation", "posX", "posY" }, world.FactorNames);
        Assert.Equal(737_280, world.Count);
        Assert.Equal((1, 64, 64), world.ObservationShape);
    }

    [Fact]
    public void Should_UseDSpritesFactorValues_When_AskedForValues()
    {
        Assert.Equal(0.5, SpritesWorld.ScaleValue(0), 12);
        Assert.Equal(1.0, SpritesWorld.ScaleValue(5), 12);
        Assert.Equal(0.0, SpritesWorld.OrientationValue(0), 12);
        Assert.Equal(2 * Math.PI, SpritesWorld.OrientationValue(39), 12); // both endpoints, as in dSprites
        Assert.Equal(1.0, SpritesWorld.PositionValue(31), 12);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(31L)]
    [InlineData(32L)]
    [InlineData(123_456L)]
    [InlineData(737_279L)]
    public void Should_RoundTripIndexAndFactors_When_Converted(long index)
    {
        int[] f = world.Grid.FromIndex(index);
        Assert.Equal(index, world.Grid.ToIndex(f));
    }

    [Fact]
    public void Should_OrderIndicesLikeDSprites_When_Converted()
    {
        // posY varies fastest, then posX, orientation, scale, shape (dSprites' latents_bases = [245760, 40960, 1024, 32, 1]).
        Assert.Equal(new[] { 0, 0, 0, 0, 1 }, world.Grid.FromIndex(1));
        Assert.Equal(new[] { 0, 0, 0, 1, 0 }, world.Grid.FromIndex(32));
        Assert.Equal(new[] { 0, 0, 1, 0, 0 }, world.Grid.FromIndex(1024));
        Assert.Equal(new[] { 0, 1, 0, 0, 0 }, world.Grid.FromIndex(40_960));
        Assert.Equal(new[] { 1, 0, 0, 0, 0 }, world.Grid.FromIndex(245_760));
        Assert.Equal(new[] { 2, 5, 39, 31, 31 }, world.Grid.FromIndex(737_279));
    }

    [Fact]
    public void Should_RenderIdenticalImages_When_SameFactorsRenderedTwice()
    {
        var f = world.SampleFactors(16, seed: 7);
        using var a = world.Render(f);
        using var b = new SpritesWorld().Render(f);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.Equal(new long[] { 16, 1, 64, 64 }, a.shape);
    }

    [Fact]
    public void Should_SampleSameFactors_When_SameSeed_AndDifferent_When_OtherSeed()
    {
        var a = world.SampleFactors(32, 3);
        var b = world.SampleFactors(32, 3);
        var c = world.SampleFactors(32, 4);
        Assert.Equal(a.Cast<int>(), b.Cast<int>());
        Assert.NotEqual(a.Cast<int>(), c.Cast<int>());
    }

    [Fact]
    public void Should_CoverExactly400Pixels_When_UnrotatedSquareAtScale1()
    {
        // Square of side 2 x 10 px centred at (14, 14): pixel centres x + 0.5 in [4, 24] -> x = 4..23, 20 x 20 pixels.
        using var img = world.Render(new[,] { { 0, 5, 0, 0, 0 } });
        Assert.Equal(400, img.sum().item<float>());
        Assert.Equal(1f, img[0L, 0L, 4L, 4L].item<float>());
        Assert.Equal(0f, img[0L, 0L, 3L, 4L].item<float>());
        Assert.Equal(1f, img[0L, 0L, 23L, 23L].item<float>());
        Assert.Equal(0f, img[0L, 0L, 24L, 23L].item<float>());
    }

    [Fact]
    public void Should_BeRotationSymmetric_When_SquareTurnedByFullCircle()
    {
        using var a = world.Render(new[,] { { 0, 3, 0, 10, 20 } });
        using var b = world.Render(new[,] { { 0, 3, 39, 10, 20 } });
        Assert.True(a.eq(b).all().item<bool>());
    }

    [Fact]
    public void Should_MoveTheSprite_When_PositionChanges()
    {
        using var left = world.Render(new[,] { { 2, 5, 5, 0, 16 } });
        using var right = world.Render(new[,] { { 2, 5, 5, 31, 16 } });
        float cxLeft = CentreX(left), cxRight = CentreX(right);
        Assert.True(cxRight - cxLeft > 30, $"centre moved only from {cxLeft} to {cxRight}");
        Assert.True(left.sum().item<float>() > 100);
    }

    [Fact]
    public void Should_GrowTheSprite_When_ScaleRises()
    {
        using var small = world.Render(new[,] { { 1, 0, 0, 16, 16 } });
        using var large = world.Render(new[,] { { 1, 5, 0, 16, 16 } });
        // Area scales with the square of the scale: (1 / 0.5)^2 = 4, up to pixelation.
        double ratio = large.sum().item<float>() / small.sum().item<float>();
        Assert.InRange(ratio, 3.5, 4.5);
    }

    [Fact]
    public void Should_RejectFactorsOutsideTheGrid_When_Rendering()
    {
        var e = Assert.Throws<UserInputException>(() => world.Render(new[,] { { 3, 0, 0, 0, 0 } }));
        Assert.Contains("shape", e.Message);
        Assert.Throws<UserInputException>(() => world.Render(new[,] { { 0, 0, 0, 0 } }));
        Assert.Throws<UserInputException>(() => world.Grid.FromIndex(737_280));
    }

    private static float CentreX(torch.Tensor img)
    {
        var xs = torch.arange(64, dtype: torch.ScalarType.Float32);
        return ((img[0L, 0L].sum(dim: 0) * xs).sum() / img.sum()).item<float>();
    }
}
