using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using ChatApp.Api.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChatApp.Api.Apis;

public static class UploadsApi
{
    public const string UploadRateLimitPolicy = "uploads";

    // Room for the multipart framing around a file of the maximum size.
    private const long MultipartOverhead = 64 * 1024;

    public static IEndpointRouteBuilder MapUploadsApi(this IEndpointRouteBuilder app)
    {
        var maxBytes = app.ServiceProvider.GetRequiredService<IOptions<UploadOptions>>().Value.MaxBytes;
        app.MapPost("/api/uploads", Upload)
            .WithTags("Uploads")
            .RequireAuthorization(Policies.Participant)
            .RequireRateLimiting(UploadRateLimitPolicy)
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(maxBytes + MultipartOverhead))
            .WithMetadata(new RequestFormLimitsAttribute { MultipartBodyLengthLimit = maxBytes + MultipartOverhead })
            .WithName("Upload")
            .WithSummary("Stores a file (checked by content: images, PDF, plain text) to attach to a message.");

        app.MapGet("/uploads/{name}", Download)
            .WithTags("Uploads")
            .WithName("DownloadUpload")
            .WithSummary("Serves a stored upload; anything not an image downloads as an attachment.");
        return app;
    }

    private static async Task<Created<AttachmentDto>> Upload(IFormFile? file, HttpContext context, UploadService uploads, CancellationToken ct)
    {
        var attachment = await uploads.SaveAsync(Caller.From(context.User), file, ct);
        return TypedResults.Created(attachment.Url, attachment);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Download(
        string name, HttpContext context, UploadService uploads, CancellationToken ct)
    {
        if (await uploads.FindAsync(name, ct) is not var (attachment, data))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: "There is no such upload.");
        }
        var headers = context.Response.Headers;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.ContentSecurityPolicy] = "default-src 'none'; sandbox";
        headers[HeaderNames.CacheControl] = "private, max-age=86400";
        var isImage = attachment.ContentType.StartsWith("image/", StringComparison.Ordinal);
        return isImage
            ? TypedResults.File(data, attachment.ContentType)
            : TypedResults.File(data, attachment.ContentType, fileDownloadName: attachment.OriginalName);
    }
}
