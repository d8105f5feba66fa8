using System.IO.Compression;
using GenomicCode.Core;
using GenomicCode.Data;

namespace GenomicCode.Tests.Data;

public class IdxTests
{
    /// <summary>An IDX file: magic 00 00 type dims, big-endian sizes, values.</summary>
    internal static byte[] IdxBytes(byte type, int[] shape, byte[] values)
    {
        var b = new List<byte> { 0, 0, type, (byte)shape.Length };
        foreach (int s in shape) b.AddRange(new[] { (byte)(s >> 24), (byte)(s >> 16), (byte)(s >> 8), (byte)s });
        b.AddRange(values);
        return b.ToArray();
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) z.Write(data);
        return output.ToArray();
    }

    [Fact]
    public void Should_ReadShapeAndValues_When_TheHeaderIsBigEndian()
    {
        using var dir = new TempDir();
        // 2 images of 2 x 3; the second size (2) and the third (3) are written big-endian: 00 00 00 02, 00 00 00 03.
        var values = Enumerable.Range(1, 12).Select(i => (byte)(i * 20)).ToArray();
        File.WriteAllBytes(dir["a.idx"], IdxBytes(0x08, new[] { 2, 2, 3 }, values));
        var a = Idx.Read(dir["a.idx"]);
        Assert.Equal(new[] { 2, 2, 3 }, a.Shape);
        Assert.Equal(values, a.Data);
    }

    [Fact]
    public void Should_ReadAGzippedFile_When_ItStartsWithTheGzipMagic()
    {
        using var dir = new TempDir();
        var values = new byte[] { 3, 1, 4, 1, 5 };
        File.WriteAllBytes(dir["l.gz"], Gzip(IdxBytes(0x08, new[] { 5 }, values)));
        var a = Idx.Read(dir["l.gz"]);
        Assert.Equal(new[] { 5 }, a.Shape);
        Assert.Equal(values, a.Data);
    }

    [Fact]
    public void Should_ReadSizesAbove255_When_TheyUseSeveralHeaderBytes()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["big"], IdxBytes(0x08, new[] { 1, 300 }, new byte[300]));
        Assert.Equal(new[] { 1, 300 }, Idx.Read(dir["big"]).Shape); // 00 00 01 2C
    }

    [Fact]
    public void Should_NameTheFile_When_TheIdxFileIsTruncatedCorruptOrOfAnotherType()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["short.idx"], IdxBytes(0x08, new[] { 4, 2 }, new byte[5]));
        var e = Assert.Throws<UserInputException>(() => Idx.Read(dir["short.idx"]));
        Assert.Contains("short.idx': truncated IDX file: the header promises 8 values (4 x 2), the file holds 5", e.Message);

        File.WriteAllBytes(dir["long.idx"], IdxBytes(0x08, new[] { 2 }, new byte[3]));
        Assert.Contains("bytes after its 2 values", Assert.Throws<UserInputException>(() => Idx.Read(dir["long.idx"])).Message);

        File.WriteAllBytes(dir["float.idx"], IdxBytes(0x0D, new[] { 1 }, new byte[4]));
        Assert.Contains("IDX type 0x0D (32-bit float) is not supported", Assert.Throws<UserInputException>(() => Idx.Read(dir["float.idx"])).Message);

        File.WriteAllBytes(dir["text.idx"], "hello world"u8.ToArray());
        Assert.Contains("is not an IDX file", Assert.Throws<UserInputException>(() => Idx.Read(dir["text.idx"])).Message);

        var gz = Gzip(IdxBytes(0x08, new[] { 100 }, Enumerable.Range(0, 100).Select(i => (byte)i).ToArray()));
        File.WriteAllBytes(dir["cut.gz"], gz[..(gz.Length - 30)]);
        var cut = Assert.Throws<UserInputException>(() => Idx.Read(dir["cut.gz"]));
        Assert.Contains("cut.gz", cut.Message);
        Assert.DoesNotContain('\n', cut.Message);
    }

    [Fact]
    public void Should_ReadFashionMnistFiles_When_ImagesAndLabelsAgree()
    {
        using var dir = new TempDir();
        // 12 images of 2 x 2, image i filled with grey 20 i; labels 0..9, then 9 and 3.
        var pixels = Enumerable.Range(0, 48).Select(i => (byte)(i / 4 * 20)).ToArray();
        byte[] labels = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 3 };
        File.WriteAllBytes(dir["img.gz"], Gzip(IdxBytes(0x08, new[] { 12, 2, 2 }, pixels)));
        File.WriteAllBytes(dir["lab.gz"], Gzip(IdxBytes(0x08, new[] { 12 }, labels)));
        var set = FashionMnist.FromFiles(dir["img.gz"], dir["lab.gz"]);
        Assert.Equal((1, 2, 2), set.ObservationShape);
        Assert.Equal(new[] { 1, 1, 1, 2, 1, 1, 1, 1, 1, 2 }, set.ClassCounts);
        Assert.Equal((1, 2), (set.InstancesPerClass, set.OmittedCount));
        using var image = set.Render(new[,] { { 9, 0 } });         // class 9 (Ankle boot), first instance: image 9
        Assert.Equal(180f / 255f, image[0, 0, 1, 1].item<float>(), 6);

        File.WriteAllBytes(dir["lab3.gz"], Gzip(IdxBytes(0x08, new[] { 3 }, new byte[] { 9, 0, 9 })));
        Assert.Contains("expected 12 labels", Assert.Throws<UserInputException>(() => FashionMnist.FromFiles(dir["img.gz"], dir["lab3.gz"])).Message);
        labels[2] = 11;
        File.WriteAllBytes(dir["lab11.gz"], Gzip(IdxBytes(0x08, new[] { 12 }, labels)));
        Assert.Contains("label 11 of image 2 is outside 0..9", Assert.Throws<UserInputException>(() => FashionMnist.FromFiles(dir["img.gz"], dir["lab11.gz"])).Message);
    }
}
