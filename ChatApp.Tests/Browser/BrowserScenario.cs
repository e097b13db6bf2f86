using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ChatApp.Tests.Browser;

/// <summary>What every browser test class does around its scenarios: screenshots on failure, and a log that outlives the test.</summary>
public static class BrowserScenario
{
    /// <summary>
    /// Runs a scenario; on failure, saves a screenshot of every open page of <paramref name="contexts"/> next to the
    /// test binaries, logs where, then whatever <paramref name="moreOnFailure"/> says, and rethrows.
    /// </summary>
    public static async Task RunAsync(
        IEnumerable<IBrowserContext> contexts, Action<string> log, Func<Task> scenario, string test, Func<string?>? moreOnFailure = null)
    {
        try
        {
            await scenario();
        }
        catch
        {
            var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "browser-failures")).FullName;
            var i = 0;
            foreach (var page in contexts.SelectMany(c => c.Pages))
            {
                var file = Path.Combine(folder, $"{test}-{++i}.png");
                try
                {
                    await page.ScreenshotAsync(new() { Path = file, FullPage = true, Timeout = 5_000 });
                    log($"Screenshot: {file} ({page.Url})");
                }
                catch (PlaywrightException e)
                {
                    log($"No screenshot of {page.Url}: {e.Message}");
                }
            }
            if (moreOnFailure?.Invoke() is { } more)
            {
                log(more);
            }
            throw;
        }
    }

    /// <summary>Writes a line to the test's output; once the test has finished (late console messages), nowhere.</summary>
    public static void Log(ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
