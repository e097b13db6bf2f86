using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Frontend;

/// <summary>The widget loads on every page of a site that embeds it: its JavaScript must stay small.</summary>
public class BundleSizeTests
{
    [Fact]
    public async Task WidgetJavaScript_IsWithin60KilobytesGzipped()
    {
        await FrontendProject.EnsureBuiltAsync();

        var result = await FrontendProject.NpmAsync(TimeSpan.FromMinutes(2), "run", "size");

        Assert.True(result.ExitCode == 0, $"`npm run size` failed (over 60 KB, or no build):\n{result.Output}");
        Assert.Matches(@"widget\.html\s+[\d.]+ KB raw\s+[\d.]+ KB gzip", result.Output);
    }
}
