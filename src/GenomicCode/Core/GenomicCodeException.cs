namespace GenomicCode.Core;

/// <summary>
/// A problem with what the user gave (a config, a file, an argument, a tensor shape). The message is one line that
/// names the problem and the fix; front ends print it without a stack trace (the CLI exits with code 2).
/// </summary>
public sealed class UserInputException : Exception
{
    /// <summary>
    /// Creates the exception with a one-line message naming the problem and the fix. Line breaks become spaces and other
    /// control characters (quoted from a damaged file, say) become '?', so the message is one printable line.
    /// </summary>
    public UserInputException(string message) : base(OneLine(message)) { }

    /// <summary>Creates the exception with a one-line message (as above) and the underlying cause.</summary>
    public UserInputException(string message, Exception inner) : base(OneLine(message), inner) { }

    private static string OneLine(string message)
    {
        string line = message.ReplaceLineEndings(" ");
        return line.Any(char.IsControl) ? new string(line.Select(c => char.IsControl(c) ? '?' : c).ToArray()) : line;
    }
}

/// <summary>Training stopped because the loss or a gradient stopped being finite; nothing poisoned was saved.</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception for the given step.</summary>
    public NonFiniteLossException(long step, string what)
        : base($"training stopped at step {step}: {what} is not finite (NaN or Inf); the last good checkpoint is kept. " +
               "Lower the learning rate, or raise gradient clipping (GradClipNorm).")
    {
        Step = step;
    }

    /// <summary>The step at which the non-finite value appeared.</summary>
    public long Step { get; }
}
