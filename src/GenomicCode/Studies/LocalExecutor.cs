using System.Diagnostics;
using System.Runtime.InteropServices;
using GenomicCode.Core;

namespace GenomicCode.Studies;

/// <summary>Settings of the local executor.</summary>
/// <param name="Parallel">Runs at once (each its own process).</param>
/// <param name="Threads">Torch threads per run.</param>
/// <param name="Retries">How often a failed run is started again in one invocation. Default 1.</param>
public sealed record LocalOptions(int Parallel, int Threads, int Retries = 1);

/// <summary>What a local invocation did.</summary>
/// <param name="Done">Runs done at the end (including those done before).</param>
/// <param name="Skipped">Runs already done when it started.</param>
/// <param name="Failed">Runs that failed after their retries.</param>
/// <param name="Stopped">Whether the user stopped it.</param>
public sealed record LocalOutcome(int Done, int Skipped, IReadOnlyList<string> Failed, bool Stopped);

/// <summary>
/// Runs a study on this machine: each run not yet done is one <c>genomic-code study task</c> process (so a crash
/// or a leak in one run cannot take the others down), at most <see cref="LocalOptions.Parallel"/> at once, its output
/// in logs/NAME.log. Finished runs are skipped, interrupted runs resume from their checkpoint, and a failed run is
/// started again <see cref="LocalOptions.Retries"/> times. study.json follows every change.
/// </summary>
public sealed class LocalExecutor(StudyFolder folder, ToolCommand tool, LocalOptions options, Action<string> progress)
{
    /// <summary>Runs the study until every run is done or has failed, or <paramref name="cancellationToken"/> fires.</summary>
    public LocalOutcome Run(CancellationToken cancellationToken)
    {
        if (options.Parallel < 1) throw new UserInputException($"--parallel must be >= 1, got {options.Parallel}.");
        if (options.Retries < 0) throw new UserInputException($"--retries must be >= 0, got {options.Retries}.");
        var record = folder.Read();
        var kinds = StudyFolder.MeasurementKinds(record);
        var queue = new Queue<RunEntry>();
        int skipped = 0;
        var done = new HashSet<int>();
        foreach (var run in record.Runs)
        {
            if (folder.ReadRun(run)?.IsComplete(kinds) == true) { skipped++; done.Add(run.Index); }
            else queue.Enqueue(run);
        }
        folder.Update(r => r with
        {
            State = queue.Count == 0 ? StudyStates.Done : StudyStates.Running,
            Executor = new ExecutorRecord { Kind = "local", Tool = tool.ToString(), Parallel = options.Parallel, Threads = options.Threads },
            Runs = r.Runs.Select(e => done.Contains(e.Index)
                ? e with { State = StudyStates.Done, Message = null }
                : e with { State = StudyStates.Pending, Attempts = 0, Message = null, Job = null, JobState = null }).ToList(),
        });
        progress($"{record.Runs.Count} runs: {skipped} already done, {queue.Count} to run, {Math.Min(options.Parallel, Math.Max(1, queue.Count))} at a time with {options.Threads} torch thread(s) each");

        var attempts = new Dictionary<int, int>();
        var failed = new List<string>();
        var running = new List<Worker>();
        bool stopped = false;
        // A terminal's Ctrl+C reaches the workers as well (one process group) and they stop after their step; a worker
        // still running 5 s later (or when the token was cancelled in-process) gets one interrupt, and is killed after 2 min.
        using var stopRegistration = cancellationToken.Register(() => _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            foreach (var w in Snapshot(running)) w.Interrupt();
            await Task.Delay(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
            foreach (var w in Snapshot(running)) w.Kill();
        }));
        try
        {
            while (queue.Count > 0 || running.Count > 0)
            {
                while (!cancellationToken.IsCancellationRequested && queue.Count > 0 && running.Count < options.Parallel)
                {
                    var run = queue.Dequeue();
                    int attempt = attempts[run.Index] = attempts.GetValueOrDefault(run.Index) + 1;
                    var worker = Worker.Start(folder, tool, run, options.Threads, attempt);
                    lock (running) running.Add(worker);
                    SetRun(run.Index, e => e with { State = StudyStates.Running, Attempts = attempt, Log = worker.Log });
                    progress($"started {run.Id} (attempt {attempt})");
                }
                if (running.Count == 0) break;
                var finished = Task.WhenAny(Snapshot(running).Select(w => w.Exited)).GetAwaiter().GetResult().GetAwaiter().GetResult();
                lock (running) running.Remove(finished);
                Settle(finished);
                finished.Dispose();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Leave no worker behind and no run marked as running.
            foreach (var w in Snapshot(running)) w.Kill();
            foreach (var w in Snapshot(running)) { w.Exited.Wait(TimeSpan.FromSeconds(30)); w.Dispose(); }
            folder.Update(r => r with
            {
                State = StudyStates.Stopped,
                Runs = r.Runs.Select(x => x.State is StudyStates.Running or StudyStates.Pending ? x with { State = StudyStates.Stopped } : x).ToList(),
            });
            throw;
        }

        void Settle(Worker finished)
        {
            var entry = finished.Run;
            bool complete = folder.ReadRun(entry)?.IsComplete(kinds) == true;
            string seconds = finished.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
            if (finished.ExitCode == 0 && complete)
            {
                done.Add(entry.Index);
                SetRun(entry.Index, e => e with { State = StudyStates.Done, ExitCode = 0, Message = null });
                progress($"[{done.Count}/{record.Runs.Count}] done {entry.Id} ({seconds} s)");
            }
            else if (cancellationToken.IsCancellationRequested || finished.ExitCode == 130)
            {
                stopped = true;
                SetRun(entry.Index, e => e with { State = StudyStates.Stopped, ExitCode = finished.ExitCode, Message = "stopped; resumes from its checkpoint" });
                progress($"stopped {entry.Id}");
            }
            else
            {
                string why = (folder.ReadRun(entry)?.Error ?? $"exit code {finished.ExitCode}").TrimEnd('.');
                if (attempts[entry.Index] <= options.Retries)
                {
                    queue.Enqueue(entry);
                    SetRun(entry.Index, e => e with { State = StudyStates.Pending, ExitCode = finished.ExitCode, Message = why });
                    progress($"failed {entry.Id} (exit {finished.ExitCode}: {why}); retrying; log {finished.Log}");
                }
                else
                {
                    failed.Add(entry.Id);
                    SetRun(entry.Index, e => e with { State = StudyStates.Failed, ExitCode = finished.ExitCode, Message = why });
                    progress($"failed {entry.Id} (exit {finished.ExitCode}: {why}); log {finished.Log}");
                }
            }
        }
        if (cancellationToken.IsCancellationRequested) stopped = true;
        string state = stopped ? StudyStates.Stopped : failed.Count > 0 ? StudyStates.Failed : done.Count == record.Runs.Count ? StudyStates.Done : StudyStates.Stopped;
        folder.Update(r => r with
        {
            State = state,
            Runs = r.Runs.Select(e => stopped && e.State == StudyStates.Pending ? e with { State = StudyStates.Stopped } : e).ToList(),
        });
        return new LocalOutcome(done.Count, skipped, failed, stopped);
    }

    private static Worker[] Snapshot(List<Worker> running)
    {
        lock (running) return running.ToArray();
    }

    private void SetRun(int index, Func<RunEntry, RunEntry> change) =>
        folder.Update(r => r with { Runs = r.Runs.Select(e => e.Index == index ? change(e) : e).ToList() });

    /// <summary>One <c>study task</c> process with its output appended to the run's log.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly Process process;
        private readonly StreamWriter writer;
        private readonly Stopwatch watch = Stopwatch.StartNew();

        private Worker(RunEntry run, Process process, StreamWriter writer, string log)
        {
            Run = run;
            this.process = process;
            this.writer = writer;
            Log = log;
            Exited = process.WaitForExitAsync().ContinueWith(_ =>
            {
                process.WaitForExit(); // drains the redirected output
                lock (writer) writer.Flush();
                return this;
            }, TaskScheduler.Default);
        }

        internal RunEntry Run { get; }

        internal string Log { get; }

        internal Task<Worker> Exited { get; }

        internal int ExitCode => process.ExitCode;

        internal TimeSpan Elapsed => watch.Elapsed;

        internal static Worker Start(StudyFolder folder, ToolCommand tool, RunEntry run, int threads, int attempt)
        {
            string log = Path.Combine(StudyFolder.LogsFolder, run.Id + ".log");
            var writer = new StreamWriter(new FileStream(folder.File(log), FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = false };
            var info = tool.StartInfo(new[] { "study", "task", folder.Path, "--index", run.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            writer.WriteLine($"# {DateTime.UtcNow:O} attempt {attempt}: {tool.ToShell(info.ArgumentList.Skip(tool.Prefix.Count))}");
            writer.Flush();
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            DataReceivedEventHandler append = (_, e) =>
            {
                if (e.Data is null) return;
                lock (writer) writer.WriteLine(e.Data);
            };
            process.OutputDataReceived += append;
            process.ErrorDataReceived += append;
            try
            {
                process.Start();
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                writer.Dispose();
                process.Dispose();
                throw new UserInputException($"cannot start the genomic-code tool '{tool.Executable}' ({e.Message}); pass --tool with the path of genomic-code.");
            }
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new Worker(run, process, writer, log);
        }

        /// <summary>Asks the process to stop as Ctrl+C would (it saves a checkpoint); kills it where signals are not available.</summary>
        internal void Interrupt()
        {
            try
            {
                if (process.HasExited) return;
                if (!OperatingSystem.IsWindows() && SendSignal(process.Id, 2) == 0) return;
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }

        /// <summary>Kills the process and its children.</summary>
        internal void Kill()
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }

        public void Dispose()
        {
            process.Dispose();
            lock (writer) writer.Dispose();
        }

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int SendSignal(int pid, int signal);
    }
}
