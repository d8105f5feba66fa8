using System.Buffers.Binary;
using System.Text;
using GenomicCode.Core;
using GenomicCode.Interop;
using GenomicCode.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Interop;

public class SafeTensorsTests
{
    // A file built by hand from the specification: 8-byte little-endian header length, JSON header, data.
    private static byte[] SpecFile(string json, byte[] data)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    private static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    [Fact]
    public void Should_ReadAFileBuiltFromTheSpecification()
    {
        using var dir = new TempDir();
        // Two tensors, the second stored first in the buffer, plus metadata; offsets are relative to the buffer.
        string json = "{\"b\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                    + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,32]},\"__metadata__\":{\"format\":\"pt\"}}";
        byte[] data = BitConverter.GetBytes(7L).Concat(BitConverter.GetBytes(-3L)).Concat(Floats(1, 2, 3, 4.5f)).ToArray();
        File.WriteAllBytes(dir["x.safetensors"], SpecFile(json, data));

        var (tensors, metadata) = SafeTensors.Read(dir["x.safetensors"]);
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(new long[] { 2, 2 }, tensors["a"].shape);
        Assert.Equal(new float[] { 1, 2, 3, 4.5f }, tensors["a"].data<float>().ToArray());
        Assert.Equal(new long[] { 7, -3 }, tensors["b"].data<long>().ToArray());
    }

    [Fact]
    public void Should_WriteExactlyTheSpecifiedBytes()
    {
        using var dir = new TempDir();
        using var a = torch.tensor(new float[] { 1, 2 });
        SafeTensors.Write(dir["y.safetensors"], new Dictionary<string, Tensor> { ["a"] = a });
        // The metadata carries the integrity fields: the XXH3-64 of the 8 data bytes, and that of the header padded with
        // spaces to a multiple of 8 bytes, computed with its own 16 digits written as zeros.
        byte[] data = Floats(1, 2);
        string Header(string headerSum) =>
            "{\"__metadata__\":{\"genomiccode.format\":\"1\",\"genomiccode.data_xxh3\":\"" + Checksum.Hex(Checksum.Of(data)) +
            "\",\"genomiccode.header_xxh3\":\"" + headerSum + "\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        string zeros = Header(new string('0', 16));
        string padded = zeros.PadRight((zeros.Length + 7) / 8 * 8);
        string json = Header(Checksum.Hex(Checksum.Of(System.Text.Encoding.ASCII.GetBytes(padded)))).PadRight(padded.Length);
        Assert.Equal(SpecFile(json, data), File.ReadAllBytes(dir["y.safetensors"]));
    }

    [Fact]
    public void Should_RoundTripEveryStorableDtype()
    {
        using var dir = new TempDir();
        var input = new Dictionary<string, Tensor>
        {
            ["f64"] = torch.tensor(new double[] { 1.5, -2 }),
            ["f16"] = torch.tensor(new float[] { 0.5f, 3 }).to(ScalarType.Float16),
            ["i32"] = torch.tensor(new[] { 1, -7, 9 }),
            ["u8"] = torch.tensor(new byte[] { 0, 255 }),
            ["bool"] = torch.tensor(new[] { true, false, true }),
            ["scalar"] = torch.tensor(4f),
        };
        SafeTensors.Write(dir["z.safetensors"], input);
        var (output, _) = SafeTensors.Read(dir["z.safetensors"]);
        foreach (var (name, t) in input)
        {
            Assert.Equal(t.dtype, output[name].dtype);
            Assert.Equal(t.shape, output[name].shape);
            Assert.True(t.eq(output[name]).all().item<bool>(), name);
        }
    }

    [Fact]
    public void Should_RestoreIdenticalOutputs_When_AModelIsSavedAndLoaded()
    {
        using var dir = new TempDir();
        var options = TestModels.Options(latent: 3, hidden: 16);
        using var a = GenomeVae.Create(options, (1, 64, 64), seed: 1);
        using var b = GenomeVae.Create(options, (1, 64, 64), seed: 2);
        SafeTensors.Save(a, dir["m.safetensors"]);
        SafeTensors.Load(b, dir["m.safetensors"]);
        using var g = torch.randn(2, 3);
        using var ya = a.Develop(g);
        using var yb = b.Develop(g);
        Assert.True(ya.eq(yb).all().item<bool>());
        var (tensors, _) = SafeTensors.Read(dir["m.safetensors"]);
        Assert.Contains("encoder.toPosterior.weight", tensors.Keys); // PyTorch-style dotted names
    }

    [Fact]
    public void Should_ListEveryMismatch_When_WeightsDoNotFit()
    {
        using var dir = new TempDir();
        using var small = GenomeVae.Create(TestModels.Options(latent: 3, hidden: 16), (1, 64, 64), seed: 1);
        using var other = GenomeVae.Create(TestModels.Options(latent: 4, hidden: 16), (1, 64, 64), seed: 1);
        var state = small.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state["extra.weight"] = torch.zeros(1);
        state.Remove("decoder.dense.0.bias");
        SafeTensors.Write(dir["w.safetensors"], state);
        var e = Assert.Throws<UserInputException>(() => SafeTensors.Load(other, dir["w.safetensors"]));
        Assert.Contains("'encoder.toPosterior.weight' is [6, 16] in the file, [8, 16] in the model", e.Message);
        Assert.Contains("missing 'decoder.dense.0.bias'", e.Message);
        Assert.Contains("unexpected 'extra.weight'", e.Message);
    }

    [Fact]
    public void Should_GiveAClearError_When_TheFileIsCorrupt()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["short"], new byte[] { 1, 2, 3 });
        Assert.Contains("shorter than the 8-byte header length", Assert.Throws<UserInputException>(() => SafeTensors.Read(dir["short"])).Message);
        var claimsTooMuch = SpecFile("{}", Array.Empty<byte>());
        BinaryPrimitives.WriteUInt64LittleEndian(claimsTooMuch, 1000); // header length past the end of the file
        File.WriteAllBytes(dir["long"], claimsTooMuch);
        Assert.Contains("header claims", Assert.Throws<UserInputException>(() => SafeTensors.Read(dir["long"])).Message);
        File.WriteAllBytes(dir["json"], SpecFile("{not json", Array.Empty<byte>()));
        Assert.Contains("does not parse", Assert.Throws<UserInputException>(() => SafeTensors.Read(dir["json"])).Message);
        File.WriteAllBytes(dir["range"], SpecFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", Floats(1, 2)));
        Assert.Contains("spans bytes [0, 16) of a 8-byte buffer", Assert.Throws<UserInputException>(() => SafeTensors.Read(dir["range"])).Message);
        File.WriteAllBytes(dir["shape"], SpecFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", Floats(1, 2)));
        Assert.Contains("shape [3]", Assert.Throws<UserInputException>(() => SafeTensors.Read(dir["shape"])).Message);
        File.WriteAllBytes(dir["dtype"], SpecFile("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[] { 1 }));
        Assert.Contains("dtype 'Q4'", Assert.Throws<UserInputException>(() => SafeTensors.Read(dir["dtype"])).Message);
    }
}
