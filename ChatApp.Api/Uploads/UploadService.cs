using System.Security.Cryptography;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Uploads;

public class UploadService(ChatDbContext db, IOptions<UploadOptions> options, IHostEnvironment environment, WriteHealth health, TimeProvider time)
{
    /// <summary>The length of the attachments' original_name column.</summary>
    public const int MaxFileNameLength = 255;

    public string StorageDirectory => Path.GetFullPath(options.Value.Directory, environment.ContentRootPath);

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
                $"The file is {file.Length / 1024.0 / 1024.0:0.#} MB; the limit is {maxBytes / 1024.0 / 1024.0:0.#} MB.");
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
                $"This kind of file cannot be sent. Allowed: {string.Join(", ", FileTypeDetector.AllowedDescription)}.");

        var storedName = $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}{type.Extension}";
        Directory.CreateDirectory(StorageDirectory);
        var path = Path.Combine(StorageDirectory, storedName);
        string sha256;
        try
        {
            await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            await using (var source = file.OpenReadStream())
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int n;
                while ((n = await source.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    await target.WriteAsync(buffer.AsMemory(0, n), ct);
                }
                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var attachment = new Attachment
            {
                StoredName = storedName,
                OriginalName = originalName,
                ContentType = type.ContentType,
                Size = file.Length,
                Sha256 = sha256,
                UploadedByVisitorId = caller.IsVisitor ? caller.Id : null,
                UploadedByUserId = caller.IsStaff ? caller.Id : null,
                CreatedAt = time.GetUtcNow(),
            };
            db.Attachments.Add(attachment);
            await db.SaveChangesAsync(ct);
            health.Succeeded();
            return AttachmentDto.From(attachment);
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            File.Delete(path);
            health.Failed("storing uploads: the disk is full");
            throw new ChatException(ChatError.InsufficientStorage,
                "The server has no room to store files right now, so retrying will not help yet. Send your message without the file, or try again later.", inner: ex);
        }
        catch
        {
            // No file without its row.
            File.Delete(path);
            throw;
        }
    }

    /// <summary>ENOSPC and EDQUOT on Unix (the raw errno is the HResult), ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows.</summary>
    private static bool IsDiskFull(IOException ex) =>
        ex.HResult is 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027);

    /// <summary>The stored file and its row for a name from a URL, or null.</summary>
    public async Task<(string Path, Attachment Attachment)?> FindAsync(string storedName, CancellationToken ct = default)
    {
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.StoredName == storedName, ct);
        if (attachment is null)
        {
            return null;
        }
        var path = Path.Combine(StorageDirectory, attachment.StoredName);
        return File.Exists(path) ? (path, attachment) : null;
    }
}
