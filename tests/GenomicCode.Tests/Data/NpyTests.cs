using GenomicCode.Core;
using GenomicCode.Data;

namespace GenomicCode.Tests.Data;

public class NpyTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", name);

    private static readonly double[,] Codes = { { 0.5, -1.25 }, { 1.0, 2.0 }, { 3.5, 0.0 }, { -2.0, 4.25 }, { 0.125, 1.5 }, { 7.0, -3.0 } };
    private static readonly double[,] Factors = { { 0, 1 }, { 1, 0 }, { 2, 1 }, { 0, 0 }, { 1, 1 }, { 2, 0 } };

    [Theory]
    [InlineData("codes_f8.npy", "<f8")]
    [InlineData("codes_f4.npy", "<f4")]
    public void Should_ReadFloatArraysWrittenByNumpy(string file, string descr)
    {
        var a = Npy.Read(Fixture(file));
        Assert.Equal(descr, a.Descr);
        Assert.Equal(new long[] { 6, 2 }, a.Shape);
        Assert.Equal(Codes, a.ToMatrix(file)); // every value is exact in float32
        Assert.False(a.IsIntegerType);
    }

    [Theory]
    [InlineData("factors_i8.npy")]
    [InlineData("factors_i4_fortran.npy")]
    public void Should_ReadIntegerArraysInCAndFortranOrder(string file)
    {
        var a = Npy.Read(Fixture(file));
        Assert.True(a.IsIntegerType);
        Assert.Equal(Factors, a.ToMatrix(file));
    }

    [Fact]
    public void Should_ReadAOneDimensionalArrayAsOneColumn()
    {
        var m = Npy.Read(Fixture("factors_u1_1d.npy")).ToMatrix("x");
        Assert.Equal(new double[,] { { 0 }, { 1 }, { 2 }, { 0 }, { 1 }, { 2 } }, m);
    }

    [Fact]
    public void Should_WriteBytesNumpyWrites_When_WritingFloat64()
    {
        using var dir = new TempDir();
        Npy.Write(dir["c.npy"], Codes);
        // numpy.save of the same float64 array gives the same bytes (header dict, padding to 64 bytes, data).
        Assert.Equal(File.ReadAllBytes(Fixture("codes_f8.npy")), File.ReadAllBytes(dir["c.npy"]));
        Npy.Write(dir["f.npy"], new[,] { { 1, 2 }, { 3, 4 } });
        Assert.Equal(new double[,] { { 1, 2 }, { 3, 4 } }, Npy.Read(dir["f.npy"]).ToMatrix("f"));
        Assert.Equal(0, (10 + BitConverter.ToUInt16(File.ReadAllBytes(dir["f.npy"]), 8)) % 64);
    }

    [Fact]
    public void Should_ReadCsvWithHeaderWrittenByNumpy()
    {
        Assert.Equal(Codes, CsvMatrix.Read(Fixture("codes.csv")).ToMatrix("codes.csv"));
        Assert.Equal(Factors, CsvMatrix.Read(Fixture("factors.csv")).ToMatrix("factors.csv"));
    }

    [Fact]
    public void Should_FailWithOneLine_When_FileIsNotNpyOrCsvIsRagged()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["x.npy"], "hello world");
        Assert.Contains("not an NPY file", Assert.Throws<UserInputException>(() => Npy.Read(dir["x.npy"])).Message);
        File.WriteAllText(dir["r.csv"], "1,2\n3\n");
        Assert.Contains("line 2 has 1 columns", Assert.Throws<UserInputException>(() => CsvMatrix.Read(dir["r.csv"])).Message);
        File.WriteAllText(dir["w.csv"], "1,2\n3,abc\n");
        Assert.Contains("'abc' is not a number", Assert.Throws<UserInputException>(() => CsvMatrix.Read(dir["w.csv"])).Message);
    }
}
