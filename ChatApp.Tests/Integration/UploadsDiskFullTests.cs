using System.Net;
using System.Net.Http.Headers;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Integration;

/// <summary>The uploads folder on a real, tiny file system (a 64 KiB tmpfs) that fills up.</summary>
[Collection(ApiCollection.Name)]
public sealed class UploadsDiskFullTests(ApiFixture api) : IAsyncLifetime
{
    private readonly string _uploads = Directory.CreateTempSubdirectory("chatapp-full-disk-").FullName;
    private bool _mounted;

    public async Task InitializeAsync()
    {
        await api.ResetAsync();
        var mount = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", _uploads], "/", TimeSpan.FromSeconds(30));
        Assert.True(mount.ExitCode == 0, $"This test mounts a small tmpfs and needs root (as CI runs): {mount.Output}");
        _mounted = true;
    }

    public async Task DisposeAsync()
    {
        if (_mounted)
        {
            await ProcessRunner.RunAsync("umount", [_uploads], "/", TimeSpan.FromSeconds(30));
        }
        Directory.Delete(_uploads, recursive: true);
    }

    [Fact]
    public async Task Upload_WhenTheDiskIsFull_Is507SayingSo_HealthIsDegraded_AndBothRecoverWhenThereIsRoom()
    {
        await using var factory = new ChatApiFactory(api.ConnectionString, _uploads);
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken, factory);

        var full = await client.PostAsync("/api/uploads", TextFile(200 * 1024));

        var detail = await full.AssertProblemAsync(HttpStatusCode.InsufficientStorage);
        Assert.Contains("no room to store files", detail);
        Assert.DoesNotContain("try again", detail.Split('.')[0], StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Directory.GetFiles(_uploads));
        Assert.Equal("Degraded", await client.GetStringAsync("/health"));

        var fits = await client.PostAsync("/api/uploads", TextFile(1024));
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
        Assert.Equal("Healthy", await client.GetStringAsync("/health"));
    }

    private static MultipartFormDataContent TextFile(int size)
    {
        var file = new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes(new string('x', size)));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        return new MultipartFormDataContent { { file, "file", "notes.txt" } };
    }
}
