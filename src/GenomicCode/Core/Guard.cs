using System.Runtime.CompilerServices;

namespace GenomicCode.Core;

/// <summary>Argument checks that throw <see cref="UserInputException"/> with a message naming the field and its range.</summary>
public static class Guard
{
    /// <summary>Requires <paramref name="value"/> &gt; 0.</summary>
    public static void Positive(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new UserInputException($"{Field(name)} must be a finite number > 0, got {value}.");
    }

    /// <summary>Requires <paramref name="value"/> &gt;= 0 and finite.</summary>
    public static void NonNegative(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new UserInputException($"{Field(name)} must be a finite number >= 0, got {value}.");
    }

    /// <summary>Requires <paramref name="min"/> &lt;= <paramref name="value"/> &lt;= <paramref name="max"/>.</summary>
    public static void InRange(double value, double min, double max, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= min && value <= max))
            throw new UserInputException($"{Field(name)} must be in [{min}, {max}], got {value}.");
    }

    /// <summary>Requires a non-empty string.</summary>
    public static void NotEmpty(string? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new UserInputException($"{Field(name)} must not be empty.");
    }

    private static string Field(string? expression)
    {
        // "options.Steps" -> "Steps": name the field as the user wrote it in a preset.
        if (string.IsNullOrEmpty(expression)) return "value";
        int dot = expression.LastIndexOf('.');
        return dot >= 0 ? expression[(dot + 1)..] : expression;
    }
}
