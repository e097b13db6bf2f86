namespace ChatApp.Api.Data.Entities;

/// <summary>
/// An attachment's bytes, in the database so every API instance serves every upload, and kept apart from
/// <see cref="Attachment"/> so lists and messages never load them.
/// </summary>
public class AttachmentContent
{
    public Guid AttachmentId { get; set; }
    public required byte[] Data { get; set; }
}
