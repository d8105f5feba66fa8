using GenomicCode.Interactive;
using SkiaSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Interactive;

[Collection(TorchCollection.Name)]
public class TensorDisplayTests
{
    private static SKBitmap Decode(byte[] png) => SKBitmap.Decode(png) ?? throw new InvalidOperationException("not a PNG");

    [Fact]
    public void Should_DecodeToTheSamePixels_When_A2x2TensorIsDrawn()
    {
        // Given values in [0, 1]: they map to round(255 v) (torch.round: half to even, 127.5 -> 128).
        using var t = tensor(new float[] { 0f, 1f, 0.5f, 0.25f }).reshape(2, 2);
        var image = TensorDisplay.ToImage(t);
        Assert.NotNull(image);
        using var bmp = Decode(image!.Png);
        Assert.Equal((2, 2), (bmp.Width, bmp.Height));
        Assert.Equal(new byte[] { 0, 255, 128, 64 }, new[] { bmp.GetPixel(0, 0), bmp.GetPixel(1, 0), bmp.GetPixel(0, 1), bmp.GetPixel(1, 1) }
            .Select(c => { Assert.Equal(c.Red, c.Green); Assert.Equal(c.Red, c.Blue); return c.Red; }).ToArray());
    }

    [Fact]
    public void Should_KeepColours_When_AnRgbImageIsDrawn()
    {
        // (C=3, H=2, W=2) bytes: pixel (0,0) red, (1,0) green, (0,1) blue, (1,1) white; bytes are used as they are.
        var data = new byte[] { 255, 0, 0, 255, /* G */ 0, 255, 0, 255, /* B */ 0, 0, 255, 255 };
        using var t = tensor(data).reshape(3, 2, 2);
        using var bmp = Decode(TensorDisplay.ToImage(t)!.Png);
        Assert.Equal(new SKColor(255, 0, 0), bmp.GetPixel(0, 0));
        Assert.Equal(new SKColor(0, 255, 0), bmp.GetPixel(1, 0));
        Assert.Equal(new SKColor(0, 0, 255), bmp.GetPixel(0, 1));
        Assert.Equal(new SKColor(255, 255, 255), bmp.GetPixel(1, 1));
    }

    [Fact]
    public void Should_TileABatchWithGreyGaps_When_ImagesAreStacked()
    {
        // Three 2x2 images with values -1, 0, 1: stretched to 0, 0.5, 1 -> 0, 128, 255; one grey (128) column between tiles.
        using var t = stack(new[] { full(1, 2, 2, -1f), zeros(1, 2, 2), ones(1, 2, 2) }); // (3, 1, 2, 2)
        var image = TensorDisplay.ToImage(t)!;
        Assert.Equal((8, 2, 3), (image.Width, image.Height, image.Images));
        using var bmp = Decode(image.Png);
        var row = Enumerable.Range(0, 8).Select(x => bmp.GetPixel(x, 1).Red).ToArray();
        Assert.Equal(new byte[] { 0, 0, 128, 128, 128, 128, 255, 255 }, row);
    }

    [Theory]
    [InlineData(new long[] { 10, 12 }, 1L, 1, 10, 12)]
    [InlineData(new long[] { 3, 8, 8 }, 1L, 3, 8, 8)]
    [InlineData(new long[] { 5, 1, 64, 64 }, 5L, 1, 64, 64)]
    public void Should_RecogniseImageShapes_When_ChannelsAre1Or3(long[] shape, long b, int c, int h, int w)
    {
        Assert.Equal((b, c, h, w), TensorDisplay.ImageShape(shape));
    }

    [Theory]
    [InlineData(new long[] { 16 })]
    [InlineData(new long[] { 2, 2, 8, 8 })]
    [InlineData(new long[] { 1, 10 })]
    [InlineData(new long[] { 1, 1, 1, 2000, 2000 })]
    [InlineData(new long[] { 1, 4000, 4000 })]
    public void Should_NotBeAnImage_When_TheShapeIsNotImageLike(long[] shape)
    {
        Assert.Null(TensorDisplay.ImageShape(shape));
    }

    [Fact]
    public void Should_DrawFewerTiles_When_ABatchHasMorePixelsThanTheCap()
    {
        using var batch = zeros(20, 1, 1024, 1024); // 4 tiles of 1024x1024 = MaxPixels
        var image = TensorDisplay.ToImage(batch)!;
        Assert.Equal(4, image.Images);
        Assert.Contains("(first 4 images)", TensorDisplay.ToHtml(batch));
    }

    [Fact]
    public void Should_ListShapeDtypeDeviceAndFirstValues_When_Summarising()
    {
        using var t = arange(8, dtype: ScalarType.Float32).reshape(2, 4);
        Assert.Equal("Tensor (2, 4) float32 on cpu: [0, 1, 2, 3, 4, 5, ... (8 values)]", TensorDisplay.Summary(t));
        using var small = tensor(new long[] { 7, -2 });
        Assert.Equal("Tensor (2) int64 on cpu: [7, -2]", TensorDisplay.Summary(small));
    }

    [Fact]
    public void Should_StayShort_When_ATensorIsLarge()
    {
        using var big = zeros(1000, 3000); // wider than MaxSide: not drawn
        string html = TensorDisplay.ToHtml(big);
        Assert.True(html.Length < 300, html);
        Assert.Contains("(1000, 3000) float32", html);
        Assert.DoesNotContain("<img", html);
    }

    [Theory]
    [InlineData(64, 64, 64, 259, 2)]    // a row of four 64x64 sprites: 128 px tiles
    [InlineData(28, 28, 28, 28, 5)]     // an MNIST digit: ceil(128 / 28)
    [InlineData(2, 2, 2, 2, 8)]         // tiny tiles stop at MaxScale
    [InlineData(128, 128, 128, 128, 1)] // large enough already
    [InlineData(64, 64, 64, 1000, 1)]   // 2x would pass MaxShownSide (1600 px)
    [InlineData(8, 64, 8, 64, 8)]       // the smaller side decides: ceil(128 / 8) = 16, capped at 8
    public void Should_ScaleSmallTilesUpByAWholeFactor_When_ChoosingTheDisplayScale(int tileH, int tileW, int gridH, int gridW, int expected)
    {
        Assert.Equal(expected, TensorDisplay.DisplayScale(tileH, tileW, gridH, gridW));
    }

    [Fact]
    public void Should_DrawEachPixelAsAScaleByScaleBlock_When_ShownInANotebook()
    {
        // Given four 64x64 sprites (1 px grey gaps): a 259x64 grid, which notebooks show at twice its size
        using var sprites = zeros(4, 1, 64, 64);
        sprites[0, 0, 0, 0] = tensor(1f);   // one white pixel in the corner of the first tile
        var image = TensorDisplay.ToImage(sprites, scale: 0)!;

        // Then the PNG is 518x128 and the white pixel is a 2x2 block; tiles keep their 64:64 aspect (128x128)
        Assert.Equal((518, 128, 2, 64, 64), (image.Width, image.Height, image.Scale, image.TileWidth, image.TileHeight));
        using var bmp = Decode(image.Png);
        Assert.Equal((518, 128), (bmp.Width, bmp.Height));
        Assert.Equal(new byte[] { 255, 255, 255, 255, 0 }, new[] { bmp.GetPixel(0, 0), bmp.GetPixel(1, 0), bmp.GetPixel(0, 1), bmp.GetPixel(1, 1), bmp.GetPixel(2, 2) }
            .Select(c => c.Red).ToArray());
        // The first gap (grey 128) starts after 128 tile pixels and is 2 px wide
        Assert.Equal(new byte[] { 0, 128, 128, 0 }, new[] { 127, 128, 129, 130 }.Select(x => bmp.GetPixel(x, 64).Red).ToArray());
        Assert.Contains("width=\"518\" height=\"128\"", TensorDisplay.ToHtml(sprites));
    }
}
