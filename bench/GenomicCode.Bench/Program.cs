using BenchmarkDotNet.Running;
using GenomicCode.Core;

// Idle OpenMP threads sleep instead of spinning (see ThreadPolicy); must precede libtorch's start.
ThreadPolicy.PreferPassiveWaiting();
BenchmarkSwitcher.FromAssembly(typeof(GenomicCode.Bench.DevelopmentBenchmarks).Assembly).Run(args);
