namespace ChatApp.Api.Uploads;

public class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>Largest accepted file, in bytes (default 10 MB).</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;
}
