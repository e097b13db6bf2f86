using System.Net;
using System.Net.Http.Headers;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Integration;

/// <summary>Every error a client can get is a ProblemDetails with a detail a person understands.</summary>
[Collection(ApiCollection.Name)]
public class ErrorResponsesTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("/api/nothing-here")]
    [InlineData("/api/conversations/not-a-guid")]
    public async Task UnknownPath_Is404ProblemSayingWhere(string path)
    {
        using var client = api.Client(api.Admin.Token);
        var detail = await (await client.GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(path, detail);
    }

    [Fact]
    public async Task WrongMethod_Is405ProblemSayingWhichMethodsWork()
    {
        using var client = api.Client(api.Admin.Token);
        var response = await client.DeleteAsync("/api/auth/login");
        var detail = await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Contains("does not accept DELETE", detail);
        Assert.Contains("POST", detail);
    }

    [Fact]
    public async Task WrongContentType_Is415ProblemSayingWhatToSend()
    {
        using var client = api.Client();
        var response = await client.PostAsync("/api/auth/login", new StringContent("email=a&password=b", System.Text.Encoding.UTF8, "text/plain"));
        var detail = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("JSON", detail);
    }

    [Fact]
    public async Task UploadOverKestrelsLimit_Is413ProblemWithDetail()
    {
        await using var small = api.CreateFactory(settings: new Dictionary<string, string?> { ["Uploads:MaxBytes"] = "1024" });
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken, small);
        var file = new ByteArrayContent(new byte[512 * 1024]);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");

        var response = await client.PostAsync("/api/uploads", new MultipartFormDataContent { { file, "file", "big.txt" } });

        var detail = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("larger than this endpoint accepts", detail);
    }

    [Fact]
    public async Task OversizedJsonBody_Is413ProblemWithDetail()
    {
        using var client = api.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = new StringContent("{\"email\":\"" + new string('a', 40 * 1024 * 1024) + "\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        // Kestrel answers before reading a body over its 30 MB limit; the client waits for that answer instead of sending.
        request.Headers.ExpectContinue = true;
        var response = await client.SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }
}
