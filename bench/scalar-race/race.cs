#:project ../../src/GenomicCode/GenomicCode.csproj
#:package TorchSharp-cpu
#:property PublishAot=false
using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

// Why GenomicCode routes tensor-and-number arithmetic through ScalarMath (src/GenomicCode/Numerics/ScalarMath.cs).
// One thread multiplies a tensor by a number; another allocates and collects garbage all the time, as a notebook kernel,
// a progress display or a Parallel loop may. "plain" uses TorchSharp's operator (t * v: a temporary Scalar nobody holds
// during the native call, so the finaliser can free it mid-call); "held" uses ScalarMath (t.Mul(v)). Prints how many
// products failed ("Unknown scalar type" and the like) or came out wrong.
//   dotnet run bench/scalar-race/race.cs -- plain 1000000
//   dotnet run bench/scalar-race/race.cs -- held 1000000
NativeRuntime.EnsureLoaded();
bool held = args.Length > 0 && args[0] == "held";
int iterations = args.Length > 1 ? int.Parse(args[1]) : 200_000;
var stop = false;
var gc = new Thread(() => { while (!Volatile.Read(ref stop)) { _ = new byte[1 << 16]; GC.Collect(); } }) { IsBackground = true };
gc.Start();
var x = ones(64);
int errors = 0, wrong = 0;
var clock = System.Diagnostics.Stopwatch.StartNew();
for (int i = 0; i < iterations; i++)
{
    using var scope = NewDisposeScope();
    double v = 0.5 + (i % 7);
    try
    {
        var y = held ? x.Mul(v) : x * v;
        if (y[0].item<float>() != (float)v) wrong++;
    }
    catch (Exception) { errors++; }
}
Volatile.Write(ref stop, true);
Console.WriteLine($"{(held ? "ScalarMath t.Mul(v)" : "TorchSharp t * v")}: {iterations} products, {errors} failed, {wrong} wrong, {clock.Elapsed.TotalSeconds:F1} s");
