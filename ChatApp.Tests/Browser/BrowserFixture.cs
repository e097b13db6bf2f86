using ChatApp.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ChatApp.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright (its own driver, never a downloaded browser), and the built front end
/// served by <c>vite preview</c> in front of the <see cref="ApiFixture"/>'s API. Shared by one test class; each test
/// makes its own browser contexts.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Generous: two engineers' builds may share the machine's two cores with the browser.</summary>
    public const float Timeout = 15_000;

    private readonly SemaphoreSlim _serverGate = new(1, 1);
    private IPlaywright? _playwright;
    private FrontendServer? _server;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await EnsureChromiumAsync();
        await FrontendProject.EnsureBuiltAsync();
        Assertions.SetDefaultExpectTimeout(Timeout);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    /// <summary>Starts <c>vite preview</c> against the API the first time a test asks (the API is a collection fixture, so it is known only then).</summary>
    public async Task<FrontendServer> ServerAsync(Uri apiBaseAddress)
    {
        await _serverGate.WaitAsync();
        try
        {
            return _server ??= await FrontendServer.StartAsync(apiBaseAddress);
        }
        finally
        {
            _serverGate.Release();
        }
    }

    public async Task<IBrowserContext> NewContextAsync(string? baseUrl = null)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = "en-GB" });
        context.SetDefaultTimeout(Timeout);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>
    /// Installs Chromium from Debian when it is missing and this is root with apt-get (as on CI); otherwise fails with
    /// what to do.
    /// </summary>
    private static async Task EnsureChromiumAsync()
    {
        if (File.Exists(ChromiumPath))
        {
            return;
        }
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {ChromiumPath}: install it with `sudo apt-get install chromium`.");
        }
        var result = await ProcessRunner.RunAsync("/bin/sh",
            ["-c", "apt-get update -qq && apt-get install -y -qq chromium"], "/", TimeSpan.FromMinutes(15),
            new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" });
        if (result.ExitCode != 0 || !File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Installing Chromium with apt-get failed ({result.ExitCode}); install it with `apt-get install chromium`:\n{result.Output}");
        }
    }
}
