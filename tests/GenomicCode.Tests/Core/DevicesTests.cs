using GenomicCode.Core;
using TorchSharp;

namespace GenomicCode.Tests.Core;

public class DevicesTests
{
    [Fact]
    public void Should_ParseCpu_When_Asked()
    {
        Assert.Equal(DeviceType.CPU, Devices.Parse("cpu").type);
        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, Devices.Parse("auto").type);
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void Should_RejectUnknownDevices_When_Parsing(string name)
    {
        var e = Assert.Throws<UserInputException>(() => Devices.Parse(name));
        Assert.Contains("cpu, cuda", e.Message);
    }

    [Fact]
    public void Should_SayCudaIsMissing_When_NoGpu()
    {
        Assert.SkipWhen(torch.cuda.is_available(), "this machine has CUDA");
        var e = Assert.Throws<UserInputException>(() => Devices.Parse("cuda"));
        Assert.Contains("not available", e.Message);
    }

    [Fact]
    public void Should_DeriveDistinctReproducibleSeeds_When_StreamsDiffer()
    {
        Assert.Equal(Seeds.Derive(1, 2, 3), Seeds.Derive(1, 2, 3));
        Assert.NotEqual(Seeds.Derive(1, 2, 3), Seeds.Derive(1, 2, 4));
        Assert.NotEqual(Seeds.Derive(1, 2, 3), Seeds.Derive(2, 2, 3));
        // SplitMix64 reference value: the first output of a generator seeded with 0 is 0xE220A8397B1DCDAF.
        Assert.Equal(0xE220A8397B1DCDAFUL, Seeds.Mix(0));
    }
}
