using System.Text;

namespace ChatApp.Api.Uploads;

public record DetectedFileType(string ContentType, string Extension);

/// <summary>
/// Tells a file's type from its first bytes, never from its name, and knows only the allowed types (<see cref="UploadRules"/>):
/// a program renamed to <c>.png</c> is refused.
/// </summary>
public static class FileTypeDetector
{
    public const int HeaderLength = 512;

    public static DetectedFileType? Detect(ReadOnlySpan<byte> header, string fileName)
    {
        if (header.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return new("image/png", ".png");
        if (header.StartsWith((byte[])[0xFF, 0xD8, 0xFF])) return new("image/jpeg", ".jpg");
        if (header.StartsWith("GIF87a"u8) || header.StartsWith("GIF89a"u8)) return new("image/gif", ".gif");
        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8)) return new("image/webp", ".webp");
        if (header.StartsWith("%PDF-"u8)) return new("application/pdf", ".pdf");
        if (Path.GetExtension(fileName).Equals(".txt", StringComparison.OrdinalIgnoreCase) && LooksLikeText(header))
        {
            return new("text/plain", ".txt");
        }
        return null;
    }

    /// <summary>Valid UTF-8 with no control characters other than tab, CR and LF (a cut multi-byte tail is allowed).</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty) return false;
        foreach (var b in header)
        {
            if (b < 0x20 && b is not (0x09 or 0x0A or 0x0D)) return false;
        }
        var decoder = new UTF8Encoding(false, true).GetDecoder();
        try
        {
            var chars = new char[header.Length];
            decoder.Convert(header, chars, flush: false, out _, out _, out _);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
