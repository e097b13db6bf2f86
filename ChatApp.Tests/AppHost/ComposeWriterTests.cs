using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ChatApp.AppHost;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.AppHost;

/// <summary>The compose writer refuses what it cannot publish faithfully, and says what.</summary>
public sealed class ComposeWriterTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("chatapp-writer-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task Write_FailsNamingEveryResourceItDoesNotKnow_AndWritesNothing()
    {
        var model = new DistributedApplicationModel(new IResource[] { new ContainerResource("mailpit"), new ExecutableResource("worker", "worker", "/") });
        var writer = new ComposeWriter(model, new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish),
            Path.Combine(RepoPaths.Root, "ChatApp.AppHost"));

        // The reporting step is not reached: the check comes before anything is written.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(_output, null!, CancellationToken.None));
        Assert.Contains("mailpit (ContainerResource)", error.Message);
        Assert.Contains("worker (ExecutableResource)", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_output));
    }
}
