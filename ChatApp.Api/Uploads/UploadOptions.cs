namespace ChatApp.Api.Uploads;

public class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>Largest accepted file, in bytes (default 10 MB).</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Where files are stored; relative paths are under the content root.</summary>
    public string Directory { get; set; } = "uploads";
}
