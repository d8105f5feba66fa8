using GenomicCode.Core;
using GenomicCode.Data;

namespace GenomicCode.Tests.Data;

public class PngTests
{
    [Theory]
    [InlineData(10, 20, 10, 20)] // p = 20: b is nearest
    [InlineData(20, 10, 10, 20)] // p = 20: a is nearest
    [InlineData(10, 10, 20, 10)] // p = 0: a and b tie at 10, a wins
    [InlineData(15, 5, 12, 5)]   // p = 8: |8-15| = 7, |8-5| = 3, |8-12| = 4
    [InlineData(3, 9, 6, 6)]     // p = 6: c is exact
    public void Should_PredictThePaethValue_When_GivenLeftAboveAndCorner(int a, int b, int c, int expected) =>
        Assert.Equal(expected, Png.Paeth(a, b, c));

    [Fact]
    public void Should_UndoEachFilter_When_RowsAreHandComputed()
    {
        // Grey, 3 pixels a row. Row 0 Sub: 10, 10+5, 15+5. Row 1 Up: 10+1, 15+1, 20+1.
        // Row 2 Average: 4 + (0+11)/2 = 9, 4 + (9+16)/2 = 16, 4 + (16+21)/2 = 22.
        // Row 3 Paeth: 1 + Paeth(0, 9, 0) = 10, 2 + Paeth(10, 16, 9) = 18, 3 + Paeth(18, 22, 16) = 25. Row 4 None.
        byte[] filtered =
        {
            1, 10, 5, 5,
            2, 1, 1, 1,
            3, 4, 4, 4,
            4, 1, 2, 3,
            0, 7, 8, 9,
        };
        var rows = Png.Unfilter(filtered, 3, 5, 1, "hand");
        Assert.Equal(new byte[] { 10, 15, 20, 11, 16, 21, 9, 16, 22, 10, 18, 25, 7, 8, 9 }, rows);
    }

    [Fact]
    public void Should_WrapAroundModulo256_When_ASubFilterOverflows()
    {
        var rows = Png.Unfilter(new byte[] { 1, 200, 100 }, 2, 1, 1, "hand");
        Assert.Equal(new byte[] { 200, 44 }, rows); // (200 + 100) mod 256
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    public void Should_DecodeEveryFilter_When_TheColourTypeHasNoPalette(int colourType)
    {
        int bpp = colourType switch { 0 => 1, 4 => 2, 2 => 3, _ => 4 };
        const int w = 7, h = 10;
        var rng = new Random(colourType);
        var samples = new byte[w * h * bpp];
        rng.NextBytes(samples);
        var image = Png.Decode(TestPng.Encode(w, h, colourType, samples, y => y % 5), "test.png");
        Assert.Equal((w, h), (image.Width, image.Height));
        for (int i = 0; i < w * h; i++)
        {
            byte[] expected = colourType switch
            {
                0 => new[] { samples[i], samples[i], samples[i], (byte)255 },
                2 => new[] { samples[3 * i], samples[3 * i + 1], samples[3 * i + 2], (byte)255 },
                4 => new[] { samples[2 * i], samples[2 * i], samples[2 * i], samples[2 * i + 1] },
                _ => samples[(4 * i)..(4 * i + 4)],
            };
            Assert.Equal(expected, image.Pixels[(4 * i)..(4 * i + 4)]);
        }
    }

    [Fact]
    public void Should_LookUpPaletteAndTransparency_When_TheImageIsIndexed()
    {
        byte[] palette = { 255, 0, 0, 0, 255, 0, 0, 0, 255 };
        byte[] alpha = { 128 };                        // entry 0 half transparent, entries 1 and 2 opaque
        var png = TestPng.Encode(3, 1, 3, new byte[] { 2, 0, 1 }, _ => 1, palette, alpha);
        var image = Png.Decode(png, "palette.png");
        Assert.Equal(new byte[] { 0, 0, 255, 255, 255, 0, 0, 128, 0, 255, 0, 255 }, image.Pixels);
    }

    [Fact]
    public void Should_MakeTheTransparentGreyClear_When_GreyHasATrnsChunk()
    {
        var image = Png.Decode(TestPng.Encode(2, 1, 0, new byte[] { 7, 8 }, transparency: new byte[] { 0, 7 }), "grey.png");
        Assert.Equal(new byte[] { 7, 7, 7, 0, 8, 8, 8, 255 }, image.Pixels);
    }

    [Fact]
    public void Should_ReadTheLibrarysOwnPngWriter_When_ItWritesRgb()
    {
        var rgb = Enumerable.Range(0, 4 * 3 * 3).Select(i => (byte)(i * 7)).ToArray();
        var image = Png.Decode(GenomicCode.Interactive.PngEncoder.Encode(4, 3, 3, rgb), "interactive.png");
        Assert.Equal(rgb[3..6], image.Pixels[4..7]);
        Assert.Equal(255, image[3, 2, 3]);
        Assert.Equal(rgb[(2 * 4 + 3) * 3], image[3, 2, 0]);
    }

    [Theory]
    [InlineData(16, 0, "16-bit PNG samples are not supported")]
    [InlineData(4, 0, "4-bit PNG samples are not supported")]
    [InlineData(8, 1, "interlaced (Adam7) PNG is not supported")]
    public void Should_RefuseInOneLine_When_TheFormatIsNotSupported(int depth, int interlace, string expected)
    {
        var png = TestPng.Encode(2, 2, 0, new byte[4], bitDepth: depth, interlace: interlace);
        var e = Assert.Throws<UserInputException>(() => Png.Decode(png, "odd.png"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("'odd.png'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Should_NameTheFile_When_ThePngIsTruncatedOrCorrupt()
    {
        var png = TestPng.Encode(8, 8, 6, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), y => y % 5);
        using var dir = new TempDir();
        File.WriteAllBytes(dir["cut.png"], png[..(png.Length / 2)]);
        var cut = Assert.Throws<UserInputException>(() => Png.Read(dir["cut.png"]));
        Assert.Contains("cut.png", cut.Message);
        Assert.Contains("truncated", cut.Message);

        var flipped = (byte[])png.Clone();
        flipped[^20] ^= 0x40;                         // a byte inside the last IDAT: its CRC no longer matches
        var bad = Assert.Throws<UserInputException>(() => Png.Decode(flipped, "flipped.png"));
        Assert.Contains("'flipped.png': chunk IDAT fails its CRC check", bad.Message);

        var notPng = Assert.Throws<UserInputException>(() => Png.Decode(new byte[] { 1, 2, 3 }, "x.txt"));
        Assert.Contains("not a PNG file", notPng.Message);
    }

    [Fact]
    public void Should_RefuseABadFilterType_When_ARowNamesFilterFive()
    {
        var e = Assert.Throws<UserInputException>(() => Png.Unfilter(new byte[] { 5, 1, 2 }, 2, 1, 1, "f.png"));
        Assert.Contains("row 0 has filter type 5", e.Message);
    }
}
