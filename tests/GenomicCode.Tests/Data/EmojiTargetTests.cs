using GenomicCode.Data;

namespace GenomicCode.Tests.Data;

public class EmojiTargetTests
{
    [Fact]
    public void Should_AverageBlocks_When_HalvingTheSize()
    {
        // One channel, 4x4 -> 2x2: each output is the mean of a 2x2 block.
        float[] image = { 1, 3, 0, 0, 5, 7, 0, 4, 2, 2, 8, 8, 2, 2, 8, 8 };
        Assert.Equal(new[] { 4f, 1f, 2f, 8f }, EmojiTarget.ResizeArea(image, 1, 4, 4, 2, 2));
    }

    [Fact]
    public void Should_WeightPartlyCoveredPixels_When_TheScaleIsNotAnInteger()
    {
        // One row of 3 -> 2: output 0 covers [0, 1.5): (1 x a + 0.5 x b) / 1.5; output 1 covers [1.5, 3): (0.5 x b + 1 x c) / 1.5.
        var r = EmojiTarget.ResizeArea(new float[] { 3, 6, 9 }, 1, 1, 3, 1, 2);
        Assert.Equal(4f, r[0], 5);                          // (3 + 3) / 1.5
        Assert.Equal(8f, r[1], 5);                          // (3 + 9) / 1.5
    }

    [Fact]
    public void Should_PremultiplyColourByAlpha_When_PreparingATarget()
    {
        // Pixel (255, 102, 0, 51): alpha 0.2, colours 1 x 0.2, 0.4 x 0.2, 0.
        var planar = EmojiTarget.Premultiply(new RgbaImage(1, 1, new byte[] { 255, 102, 0, 51 }));
        Assert.Equal(0.2f, planar[0], 6);
        Assert.Equal(0.08f, planar[1], 6);
        Assert.Equal(0f, planar[2]);
        Assert.Equal(0.2f, planar[3], 6);
    }

    [Fact]
    public void Should_PadWithTransparentCells_When_MakingTheGrowingNcaTarget()
    {
        // A 64x64 opaque red square -> 40x40 red, padded by 16: 72x72, red and alpha 1 inside [16, 56), 0 outside.
        var pixels = Enumerable.Range(0, 64 * 64).SelectMany(_ => new byte[] { 255, 0, 0, 255 }).ToArray();
        var target = EmojiTarget.FromImage(new RgbaImage(64, 64, pixels));
        Assert.Equal((4, 72, 72), (target.Channels, target.Height, target.Width));
        Assert.Equal(1f, target[0, 16, 16], 5);
        Assert.Equal(1f, target[3, 55, 55], 5);
        Assert.Equal(0f, target[3, 15, 30]);
        Assert.Equal(0f, target[3, 56, 30]);
        Assert.Equal(0f, target[1, 30, 30]);
        Assert.Equal(40 * 40, target.Values.Skip(3 * 72 * 72).Sum(), 2); // alpha mass: the 40x40 square
        using var t = target.ToTensor();
        Assert.Equal(new long[] { 1, 4, 72, 72 }, t.shape);
    }

    [Fact]
    public void Should_KeepAlphaMass_When_ShrinkingByArea()
    {
        // Area averaging keeps the mean: opaque rows 0-30, columns 0-31 of 64x64 keep (31 x 32) / 64^2 of 40^2 = 387.5.
        var pixels = new byte[64 * 64 * 4];
        for (int y = 0; y < 31; y++)
            for (int x = 0; x < 32; x++) pixels[(y * 64 + x) * 4 + 3] = 255;
        var target = EmojiTarget.FromImage(new RgbaImage(64, 64, pixels), 40, 0);
        Assert.Equal(387.5, target.Values.Skip(3 * 40 * 40).Sum(), 2);
        Assert.Equal(1f, target[3, 0, 0], 5);
        Assert.Equal(0.375f, target[3, 19, 0], 5);          // row 19 covers [30.4, 32): 0.6 of opaque row 30, 1.0 of clear row 31
    }
}
