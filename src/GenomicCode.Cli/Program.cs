using GenomicCode.Cli;
using GenomicCode.Core;

// Keep freed memory in the process before libtorch allocates anything (see NativeRuntime.ConfigureMalloc).
NativeRuntime.ConfigureMalloc();
ThreadPolicy.PreferPassiveWaiting(); // idle OpenMP threads sleep instead of spinning (shared cores; see ThreadPolicy)
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: finish the step, save a checkpoint, exit. Second: the default (kill).
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    cancel.Cancel();
};
return GenomicCodeApp.Run(args, console: null, cancel.Token);
