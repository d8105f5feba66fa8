using System.Diagnostics;
using System.Text;
using GenomicCode.Core;

namespace GenomicCode.Studies;

/// <summary>
/// How to start the genomic-code tool from another process (a local worker, a Slurm task): an executable and the
/// arguments that come before the verb (for example <c>dotnet /path/genomic-code.dll</c>).
/// </summary>
/// <param name="Executable">The program (an absolute path where possible: Slurm tasks run elsewhere).</param>
/// <param name="Prefix">Arguments before the verb.</param>
public sealed record ToolCommand(string Executable, IReadOnlyList<string> Prefix)
{
    /// <summary>
    /// Parses a command written as words separated by spaces (single or double quotes keep spaces); an empty one is a
    /// <see cref="UserInputException"/>.
    /// </summary>
    public static ToolCommand Parse(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char quote = '\0';
        bool any = false;
        foreach (char c in text)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else word.Append(c);
            }
            else if (c is '\'' or '"') { quote = c; any = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (word.Length > 0 || any) words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else word.Append(c);
        }
        if (quote != '\0') throw new UserInputException($"tool command '{text}' has an unclosed quote.");
        if (word.Length > 0 || any) words.Add(word.ToString());
        if (words.Count == 0) throw new UserInputException("the tool command is empty; give the genomic-code executable, e.g. /usr/local/bin/genomic-code.");
        return new ToolCommand(words[0], words.Skip(1).ToArray());
    }

    /// <summary>A process start for the tool with <paramref name="arguments"/> after the prefix; output redirected.</summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(Executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (string a in Prefix.Concat(arguments)) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>The tool with <paramref name="arguments"/> as one POSIX shell command line, every word quoted where needed.</summary>
    public string ToShell(IEnumerable<string> arguments) => string.Join(" ", new[] { Executable }.Concat(Prefix).Concat(arguments).Select(Quote));

    /// <summary>Quotes a word for a POSIX shell (single quotes unless the word is plainly safe).</summary>
    public static string Quote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@%".Contains(c))) return word;
        return "'" + word.Replace("'", "'\\''") + "'";
    }

    /// <inheritdoc />
    public override string ToString() => ToShell(Array.Empty<string>());
}
