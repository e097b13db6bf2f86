using System.Security.Cryptography;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Uploads;

/// <summary>Uploads, checked by size and content, stored in PostgreSQL so every API instance serves them.</summary>
public class UploadService(ChatDbContext db, IOptions<UploadOptions> options, TimeProvider time)
{
    /// <summary>The length of the attachments' original_name column.</summary>
    public const int MaxFileNameLength = 255;

    public async Task<AttachmentDto> SaveAsync(Caller caller, IFormFile? file, CancellationToken ct = default)
    {
        var maxBytes = options.Value.MaxBytes;
        if (file is null)
        {
            throw ChatException.Invalid("file", "Send the file as multipart/form-data in a field named \"file\".");
        }
        if (file.Length == 0)
        {
            throw ChatException.Invalid("file", "The file is empty.");
        }
        if (file.Length > maxBytes)
        {
            throw new ChatException(ChatError.TooLarge,
                $"The file is {UploadRules.Size(file.Length)}, over the limit. {UploadRules.Text(maxBytes)}");
        }

        var header = new byte[FileTypeDetector.HeaderLength];
        int read;
        await using (var stream = file.OpenReadStream())
        {
            read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct);
        }
        var originalName = TextRules.FileName(file.FileName, MaxFileNameLength);
        var type = FileTypeDetector.Detect(header.AsSpan(0, read), originalName)
            ?? throw new ChatException(ChatError.UnsupportedType,
                $"This kind of file cannot be sent. {UploadRules.Text(maxBytes)}");

        // Read whole (the size is bounded above): the bytes and their row are stored in one transaction.
        var data = new byte[file.Length];
        await using (var source = file.OpenReadStream())
        {
            await source.ReadExactlyAsync(data, ct);
        }
        var attachment = new Attachment
        {
            StoredName = $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}{type.Extension}",
            OriginalName = originalName,
            ContentType = type.ContentType,
            Size = data.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(data)),
            UploadedByVisitorId = caller.IsVisitor ? caller.Id : null,
            UploadedByUserId = caller.IsStaff ? caller.Id : null,
            CreatedAt = time.GetUtcNow(),
        };
        db.Attachments.Add(attachment);
        db.AttachmentContents.Add(new AttachmentContent { AttachmentId = attachment.Id, Data = data });
        await db.SaveChangesAsync(ct);
        return AttachmentDto.From(attachment);
    }

    /// <summary>The stored upload for a name from a URL, with its bytes, or null.</summary>
    public async Task<(Attachment Attachment, byte[] Data)?> FindAsync(string storedName, CancellationToken ct = default)
    {
        var found = await db.Attachments.AsNoTracking()
            .Where(a => a.StoredName == storedName)
            .Join(db.AttachmentContents, a => a.Id, c => c.AttachmentId, (a, c) => new { Attachment = a, c.Data })
            .FirstOrDefaultAsync(ct);
        return found is null ? null : (found.Attachment, found.Data);
    }

}
