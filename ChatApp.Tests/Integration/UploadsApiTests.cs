using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class UploadsApiTests(ApiFixture api) : IAsyncLifetime
{
    public static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static MultipartFormDataContent Form(byte[] bytes, string fileName, string contentType = "application/octet-stream")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    [Fact]
    public async Task Upload_Png_IsStoredUnderRandomName_AndServedAsImageWithNosniff()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);
        var response = await client.PostAsync("/api/uploads", Form(TinyPng, "photo.png", "image/png"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var attachment = await response.ReadAsync<AttachmentDto>();
        Assert.Equal("image/png", attachment.ContentType);
        Assert.Equal("photo.png", attachment.FileName);
        Assert.DoesNotContain("photo", attachment.Url);
        Assert.Matches("^/uploads/[0-9a-f]{32}\\.png$", attachment.Url);

        using var anonymous = api.Client();
        var download = await anonymous.GetAsync(attachment.Url);
        download.EnsureSuccessStatusCode();
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Null(download.Content.Headers.ContentDisposition);
        Assert.Equal(TinyPng, await download.Content.ReadAsByteArrayAsync());

        await using var db = api.CreateDbContext();
        var row = await db.Attachments.SingleAsync();
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(TinyPng)), row.Sha256);
        Assert.Equal(session.VisitorId, row.UploadedByVisitorId);
    }

    [Fact]
    public async Task Upload_Pdf_IsServedAsAttachmentDownload()
    {
        using var client = api.Client(api.Admin.Token);
        var pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray();
        var attachment = await (await client.PostAsync("/api/uploads", Form(pdf, "invoice.pdf"))).ReadAsync<AttachmentDto>();
        var download = await api.Client().GetAsync(attachment.Url);
        download.EnsureSuccessStatusCode();
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("invoice.pdf", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Upload_ExecutableRenamedToPng_Returns415AndStoresNothing()
    {
        using var client = api.Client(api.Admin.Token);
        var elf = new byte[256];
        "\u007fELF"u8.CopyTo(elf);
        var response = await client.PostAsync("/api/uploads", Form(elf, "cute-cat.png", "image/png"));
        var detail = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("PNG", detail);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Upload_HtmlRenamedToTxt_Returns415()
    {
        using var client = api.Client(api.Admin.Token);
        var html = "<html><script>alert(1)</script>\u0000</html>"u8.ToArray();
        var response = await client.PostAsync("/api/uploads", Form(html, "notes.txt", "text/plain"));
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Upload_OverTheSizeLimit_Returns413AndStoresNothing()
    {
        await using var small = api.CreateFactory(settings: new Dictionary<string, string?> { ["Uploads:MaxBytes"] = "1024" });
        using var client = api.Client(api.Admin.Token, small);
        var big = new byte[4096];
        TinyPng.CopyTo(big, 0);
        var response = await client.PostAsync("/api/uploads", Form(big, "big.png"));
        var detail = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("limit", detail);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Upload_FarOverTheLimit_IsCutOffByTheServer_With413()
    {
        await using var small = api.CreateFactory(settings: new Dictionary<string, string?> { ["Uploads:MaxBytes"] = "1024" });
        using var client = api.Client(api.Admin.Token, small);
        var response = await client.PostAsync("/api/uploads", Form(new byte[512 * 1024], "huge.png"));
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Upload_WithoutToken_Returns401_AndWithoutFile_Returns400()
    {
        await (await api.Client().PostAsync("/api/uploads", Form(TinyPng, "a.png"))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var client = api.Client(api.Admin.Token);
        await (await client.PostAsync("/api/uploads", new MultipartFormDataContent { { new StringContent("x"), "other" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Message_WithOwnAttachment_CarriesIt_ButAnotherVisitorsUploadIsRefused()
    {
        var a = await api.StartWidgetAsync("A");
        var b = await api.StartWidgetAsync("B");
        using var asA = api.Client(a.VisitorToken);
        using var asB = api.Client(b.VisitorToken);
        var upload = await (await asA.PostAsync("/api/uploads", Form(TinyPng, "a.png"))).ReadAsync<AttachmentDto>();

        var message = await (await asA.PostAsJsonAsync($"/api/widget/conversations/{a.Conversation.Id}/messages",
            new SendMessageRequest("att-1", "", upload.Id))).ReadAsync<MessageDto>();
        Assert.Equal(upload.Id, message.Attachment?.Id);
        Assert.Equal("", message.Body);

        var stolen = await asB.PostAsJsonAsync($"/api/widget/conversations/{b.Conversation.Id}/messages",
            new SendMessageRequest("att-2", "look", upload.Id));
        await stolen.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Download_UnknownOrTraversalName_Returns404()
    {
        using var client = api.Client();
        await (await client.GetAsync("/uploads/0123456789abcdef0123456789abcdef.png")).AssertProblemAsync(HttpStatusCode.NotFound);
        var traversal = await client.GetAsync("/uploads/..%2F..%2Fappsettings.json");
        Assert.Equal(HttpStatusCode.NotFound, traversal.StatusCode);
    }

    private async Task AssertNothingStoredAsync()
    {
        await using var db = api.CreateDbContext();
        Assert.Equal(0, await db.Attachments.CountAsync());
        Assert.Equal(0, await db.AttachmentContents.CountAsync());
    }
}
