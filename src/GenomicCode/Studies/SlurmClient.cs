using System.Diagnostics;
using System.Globalization;
using GenomicCode.Core;

namespace GenomicCode.Studies;

/// <summary>The Slurm commands a study needs: submit, test a submission, read job states, change a dependency.</summary>
public interface ISlurmClient
{
    /// <summary>Checks that sbatch, squeue and scontrol exist and that the controller answers; a one-line <see cref="UserInputException"/> otherwise.</summary>
    void CheckReady();

    /// <summary>Asks sbatch whether it would accept <paramref name="script"/> with <paramref name="arguments"/> (<c>--test-only</c>), submitting nothing.</summary>
    void TestSubmit(string script, IReadOnlyList<string> arguments);

    /// <summary>Submits the script file with <paramref name="arguments"/>; returns the job id.</summary>
    string Submit(string scriptPath, IReadOnlyList<string> arguments);

    /// <summary>
    /// Scheduler states of the given jobs, keyed by <c>JOB</c> for plain jobs and <c>ARRAY_TASK</c> for array tasks
    /// (e.g. <c>FAILED</c>, <c>RUNNING</c>); a job the scheduler no longer knows is absent.
    /// </summary>
    IReadOnlyDictionary<string, string> States(IReadOnlyCollection<string> jobIds);

    /// <summary>Replaces the dependency of a pending job; false when the scheduler refuses (the job already started).</summary>
    bool UpdateDependency(string jobId, string dependency);

    /// <summary>The cluster's MaxArraySize (array task ids must be below it).</summary>
    int MaxArraySize();
}

/// <summary>
/// <see cref="ISlurmClient"/> through Slurm's own commands (sbatch, squeue, scontrol, and sacct where accounting is
/// on), found on PATH or in a given folder, optionally with a given slurm.conf (<c>SLURM_CONF</c>). Job states come
/// from <c>squeue</c> while jobs are queued or running and from <c>scontrol show job</c> after they end; where the
/// controller has forgotten a job, from <c>sacct</c> if accounting is on, else the job is reported unknown and the
/// study falls back on what the run folders record.
/// </summary>
public sealed class SlurmCommands(string? binDirectory = null, string? slurmConf = null) : ISlurmClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <inheritdoc />
    public void CheckReady()
    {
        foreach (string tool in new[] { "sbatch", "squeue", "scontrol" }) Find(tool);
        var ping = Exec("scontrol", new[] { "ping" }, null);
        if (ping.Code != 0 || ping.Output.Contains("DOWN", StringComparison.Ordinal))
            throw new UserInputException($"the Slurm controller is unreachable ({FirstLine(ping.Output, "scontrol ping failed")}); start slurmctld, or set SLURM_CONF to your cluster's slurm.conf.");
    }

    /// <inheritdoc />
    public void TestSubmit(string script, IReadOnlyList<string> arguments)
    {
        var r = Exec("sbatch", new[] { "--test-only" }.Concat(arguments).ToArray(), script);
        if (r.Code != 0) throw new UserInputException($"sbatch refuses the study's job: {Reason(r.Output)}; change the Slurm options (partition, time, memory, GPUs).");
    }

    /// <inheritdoc />
    public string Submit(string scriptPath, IReadOnlyList<string> arguments)
    {
        var r = Exec("sbatch", new[] { "--parsable" }.Concat(arguments).Append(scriptPath).ToArray(), null);
        if (r.Code != 0) throw new UserInputException($"sbatch failed: {Reason(r.Output)}.");
        string id = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l.Length > 0 && char.IsAsciiDigit(l[0])) ?? "";
        id = id.Split(';')[0];
        if (id.Length == 0 || !id.All(char.IsAsciiDigit)) throw new UserInputException($"sbatch gave no job id (it printed '{FirstLine(r.Output, "")}').");
        return id;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> States(IReadOnlyCollection<string> jobIds)
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        if (jobIds.Count == 0) return states;
        var queued = Exec("squeue", new[] { "-h", "-r", "-j", string.Join(",", jobIds), "-o", "%i|%T" }, null);
        if (queued.Code == 0) foreach (var (key, state) in ParseSqueue(queued.Output)) states[key] = state;
        foreach (string id in jobIds)
        {
            var shown = Exec("scontrol", new[] { "-o", "show", "job", id }, null);
            if (shown.Code == 0)
            {
                foreach (var (key, state) in ParseScontrol(shown.Output)) states.TryAdd(key, state);
                continue;
            }
            var accounted = Exec("sacct", new[] { "-n", "-P", "-X", "-j", id, "-o", "JobID,State" }, null, optional: true);
            if (accounted.Code == 0) foreach (var (key, state) in ParseSacct(accounted.Output)) states.TryAdd(key, state);
        }
        return states;
    }

    /// <inheritdoc />
    public bool UpdateDependency(string jobId, string dependency) =>
        Exec("scontrol", new[] { "update", $"JobId={jobId}", $"Dependency={dependency}" }, null).Code == 0;

    /// <inheritdoc />
    public int MaxArraySize()
    {
        var r = Exec("scontrol", new[] { "show", "config" }, null);
        foreach (string line in r.Output.Split('\n'))
        {
            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[0] == "MaxArraySize" && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int n) && n > 0) return n;
        }
        return 1001; // Slurm's default
    }

    /// <summary>Parses <c>squeue -h -r -o "%i|%T"</c>: one task per line, e.g. <c>12_3|RUNNING</c>.</summary>
    public static IEnumerable<(string Key, string State)> ParseSqueue(string output)
    {
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            if (parts.Length < 2) continue;
            foreach (string key in ExpandKey(parts[0])) yield return (key, parts[1].Trim());
        }
    }

    /// <summary>
    /// Parses <c>scontrol -o show job</c>: one record per line with <c>JobId=</c>, <c>ArrayJobId=</c>,
    /// <c>ArrayTaskId=</c> (a task, or a range of pending tasks such as <c>2-3</c> or <c>1,3</c>) and <c>JobState=</c>.
    /// </summary>
    public static IEnumerable<(string Key, string State)> ParseScontrol(string output)
    {
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.Split('=', 2)).Where(f => f.Length == 2)
                .GroupBy(f => f[0]).ToDictionary(g => g.Key, g => g.First()[1]);
            if (!fields.TryGetValue("JobState", out string? state)) continue;
            if (fields.TryGetValue("ArrayJobId", out string? array) && fields.TryGetValue("ArrayTaskId", out string? tasks))
            {
                foreach (int t in ExpandIndices(tasks)) yield return ($"{array}_{t}", state);
            }
            else if (fields.TryGetValue("JobId", out string? id))
            {
                yield return (id, state);
            }
        }
    }

    /// <summary>Parses <c>sacct -n -P -X -o JobID,State</c>, e.g. <c>12_0|COMPLETED</c>, <c>12_[1-3]|PENDING</c>, <c>13|CANCELLED by 0</c>.</summary>
    public static IEnumerable<(string Key, string State)> ParseSacct(string output)
    {
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            if (parts.Length < 2) continue;
            string state = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            foreach (string key in ExpandKey(parts[0])) yield return (key, state);
        }
    }

    /// <summary>Expands <c>12_[1-3,5]</c> into 12_1, 12_2, 12_3, 12_5; <c>12_4</c> and <c>13</c> stay as they are.</summary>
    public static IEnumerable<string> ExpandKey(string key)
    {
        int underscore = key.IndexOf('_');
        if (underscore < 0) return new[] { key.Trim() };
        string array = key[..underscore].Trim();
        return ExpandIndices(key[(underscore + 1)..]).Select(t => $"{array}_{t}");
    }

    /// <summary>Expands an array task list such as <c>[1-3,5]%2</c>, <c>2-3</c> or <c>4</c> into indices.</summary>
    public static IEnumerable<int> ExpandIndices(string spec)
    {
        string s = spec.Trim().TrimStart('[');
        int cut = s.IndexOfAny(new[] { ']', '%' });
        if (cut >= 0) s = s[..cut];
        foreach (string part in s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string range = part.Split(':')[0]; // a step (1-9:2) is not used by studies
            var ends = range.Split('-');
            if (!int.TryParse(ends[0], CultureInfo.InvariantCulture, out int lo)) continue;
            int hi = ends.Length > 1 && int.TryParse(ends[1], CultureInfo.InvariantCulture, out int h) ? h : lo;
            for (int i = lo; i <= hi; i++) yield return i;
        }
    }

    private string Find(string tool)
    {
        if (binDirectory is not null)
        {
            string path = Path.Combine(binDirectory, tool);
            if (File.Exists(path)) return path;
            throw new UserInputException($"'{tool}' not found in '{binDirectory}'; --executor slurm needs Slurm's client commands (Debian: apt-get install slurm-client), or use --executor local.");
        }
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(dir, tool);
            if (File.Exists(path)) return path;
        }
        throw new UserInputException($"'{tool}' not found on PATH; --executor slurm needs Slurm's client commands (Debian: apt-get install slurm-client), or use --executor local.");
    }

    private (int Code, string Output) Exec(string tool, IReadOnlyList<string> arguments, string? input, bool optional = false)
    {
        string path;
        try { path = Find(tool); }
        catch (UserInputException) when (optional) { return (127, $"{tool} not found"); }
        var info = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // closed at once when there is no input: nothing waits on the terminal
        };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        if (slurmConf is not null) info.Environment["SLURM_CONF"] = Path.GetFullPath(slurmConf);
        using var process = Process.Start(info) ?? throw new UserInputException($"cannot start {path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null) process.StandardInput.Write(input);
        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new UserInputException($"{tool} did not answer within {Timeout.TotalSeconds:F0} s; the Slurm controller is unreachable or overloaded.");
        }
        process.WaitForExit();
        return (process.ExitCode, (stdout.Result + "\n" + stderr.Result).Trim());
    }

    private static string Reason(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string line = lines.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? lines.FirstOrDefault() ?? "no message";
        return line.Replace("sbatch: error: ", "", StringComparison.Ordinal).TrimEnd('.');
    }

    private static string FirstLine(string output, string fallback) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? fallback;
}
