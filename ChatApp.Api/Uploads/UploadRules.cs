using System.Globalization;
using ChatApp.Api.Settings;

namespace ChatApp.Api.Uploads;

/// <summary>A kind of file people may send: how it is named to them, its content type and its file name endings.</summary>
public record AllowedFileType(string Name, string ContentType, IReadOnlyList<string> Extensions);

/// <summary>
/// The one statement of what may be uploaded. The server refuses with <see cref="Text"/>, and publishes it in the
/// public widget settings so the composer refuses the same files, with the same words, before uploading.
/// </summary>
public static class UploadRules
{
    public static readonly IReadOnlyList<AllowedFileType> Types =
    [
        new("PNG", "image/png", [".png"]),
        new("JPEG", "image/jpeg", [".jpg", ".jpeg"]),
        new("GIF", "image/gif", [".gif"]),
        new("WebP", "image/webp", [".webp"]),
        new("PDF", "application/pdf", [".pdf"]),
        new("plain text (.txt)", "text/plain", [".txt"]),
    ];

    /// <summary>"Allowed: PNG, JPEG, GIF, WebP, PDF or plain text (.txt), up to 10 MB."</summary>
    public static string Text(long maxBytes)
    {
        var names = Types.Select(t => t.Name).ToList();
        return $"Allowed: {string.Join(", ", names[..^1])} or {names[^1]}, up to {Size(maxBytes)}.";
    }

    /// <summary>"10 MB", "1.5 MB", "500 KB", "12 bytes" (the widget formats a limit the same way).</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => $"{(bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} MB",
        >= 1024 => $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} KB",
        _ => $"{bytes} bytes",
    };

    public static UploadRulesDto Describe(long maxBytes) => new(maxBytes,
        [.. Types.Select(t => t.ContentType)], [.. Types.SelectMany(t => t.Extensions)], [.. Types.Select(t => t.Name)], Text(maxBytes));
}
