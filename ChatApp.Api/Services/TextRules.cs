using System.Text;

namespace ChatApp.Api.Services;

/// <summary>
/// What any text from outside may hold before it is stored, shared by REST, the hub and the migration worker:
/// no NUL or other control characters (PostgreSQL refuses NUL outright), no unpaired UTF-16 surrogates (they have no
/// UTF-8 form), and at most the column's length. Names shown to other people also lose bidirectional controls, so
/// <c>"\u202Egnp.exe"</c> cannot pose as <c>"exe.png"</c>.
/// </summary>
public static class TextRules
{
    /// <summary>Trims the value and checks it; throws a <see cref="ChatException"/> naming the field and the problem.</summary>
    /// <param name="multiline">Whether line breaks and tabs are allowed (message bodies).</param>
    public static string Check(string value, string field, string label, int maxLength, bool multiline = false)
    {
        var trimmed = value.Trim();
        if (FindForbidden(trimmed, multiline) is { } problem)
        {
            throw ChatException.Invalid(field, $"The {label} contains {problem}, which cannot be sent. Remove it and try again.");
        }
        if (trimmed.Length > maxLength)
        {
            throw ChatException.Invalid(field, $"The {label} is {trimmed.Length} characters long; the limit is {maxLength}.");
        }
        return trimmed;
    }

    /// <summary>Refuses what <see cref="Check"/> refuses, without trimming or a length (passwords, whose spaces count).</summary>
    public static void Refuse(string value, string field, string label, bool multiline = false)
    {
        if (FindForbidden(value, multiline) is { } problem)
        {
            throw ChatException.Invalid(field, $"The {label} contains {problem}, which cannot be sent. Remove it and try again.");
        }
    }

    /// <summary><see cref="Check"/> for an optional value: null when absent or blank.</summary>
    public static string? Optional(string? value, string field, string label, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : Check(value, field, label, maxLength);

    /// <summary>A name other people see (a visitor's or a user's): checked, with bidirectional controls removed.</summary>
    public static string? OptionalName(string? value, string field, string label, int maxLength) =>
        Optional(value is null ? null : WithoutBidiControls(value), field, label, maxLength);

    /// <summary>
    /// A file name as uploaded, made safe to show and to store: no path, no control or bidirectional characters, no
    /// unpaired surrogates, at most <paramref name="maxLength"/> characters (the end, with its extension, is kept).
    /// </summary>
    public static string FileName(string? name, int maxLength)
    {
        var fileName = Path.GetFileName(name ?? "");
        var kept = new StringBuilder(fileName.Length);
        foreach (var rune in Runes(fileName))
        {
            if (!Rune.IsControl(rune) && !IsBidiControl(rune) && rune != Rune.ReplacementChar)
            {
                kept.Append(rune.ToString());
            }
        }
        var safe = kept.ToString().Trim();
        if (safe.Length == 0)
        {
            return "file";
        }
        return safe.Length <= maxLength ? safe : KeepEnd(safe, maxLength);
    }

    /// <summary>At most <paramref name="maxLength"/> characters, never cutting a surrogate pair in half.</summary>
    public static string Truncate(string value, int maxLength)
    {
        if (value.Length <= maxLength)
        {
            return value;
        }
        var end = char.IsHighSurrogate(value[maxLength - 1]) ? maxLength - 1 : maxLength;
        return value[..end];
    }

    /// <summary>Like <see cref="Truncate"/> with an ellipsis when something was cut, within <paramref name="maxLength"/>.</summary>
    public static string Shorten(string value, int maxLength) =>
        value.Length <= maxLength ? value : Truncate(value, maxLength - 1) + "…";

    /// <summary>Drops the characters a database text column cannot hold (NUL, unpaired surrogates); for text we do not refuse.</summary>
    public static string Storable(string value)
    {
        if (FindForbidden(value, multiline: true) is null)
        {
            return value;
        }
        var kept = new StringBuilder(value.Length);
        foreach (var rune in Runes(value))
        {
            if (rune.Value != 0 && rune != Rune.ReplacementChar)
            {
                kept.Append(rune.ToString());
            }
        }
        return kept.ToString();
    }

    private static string KeepEnd(string value, int maxLength)
    {
        var start = value.Length - maxLength;
        return char.IsLowSurrogate(value[start]) ? value[(start + 1)..] : value[start..];
    }

    private static string? FindForbidden(string value, bool multiline)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                    continue;
                }
                return $"an invalid character (an unpaired surrogate, U+{(int)c:X4})";
            }
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return c == '\0' ? "a NUL character (U+0000)" : $"a control character (U+{(int)c:X4})";
            }
        }
        return null;
    }

    private static string WithoutBidiControls(string value) =>
        value.Any(IsBidiControl) ? string.Concat(value.Where(c => !IsBidiControl(c))) : value;

    /// <summary>The explicit directional formatting characters: embeddings, overrides, isolates and marks (all in the BMP).</summary>
    private static bool IsBidiControl(char c) => c is
        (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';

    private static bool IsBidiControl(Rune rune) => rune.IsBmp && IsBidiControl((char)rune.Value);

    /// <summary>The runes of a string; an unpaired surrogate comes out as U+FFFD.</summary>
    private static IEnumerable<Rune> Runes(string value)
    {
        var index = 0;
        while (index < value.Length)
        {
            Rune.DecodeFromUtf16(value.AsSpan(index), out var rune, out var consumed);
            yield return rune;
            index += consumed;
        }
    }
}
