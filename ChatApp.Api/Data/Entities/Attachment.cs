namespace ChatApp.Api.Data.Entities;

public class Attachment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Random file name on disk and in the <c>/uploads/{name}</c> URL.</summary>
    public required string StoredName { get; set; }
    public required string OriginalName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }

    /// <summary>Who uploaded it: a visitor or a staff user (one of the two).</summary>
    public Guid? UploadedByVisitorId { get; set; }
    public Guid? UploadedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
