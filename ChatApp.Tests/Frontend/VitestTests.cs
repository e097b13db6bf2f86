using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Frontend;

/// <summary>Runs the front end's Vitest suite, so the README's single <c>dotnet test ChatApp.sln</c> covers it too.</summary>
public class VitestTests
{
    [Fact]
    public async Task VitestSuite_Passes()
    {
        await FrontendProject.EnsureInstalledAsync();

        var result = await FrontendProject.NpmAsync(TimeSpan.FromMinutes(8), "test");

        Assert.True(result.ExitCode == 0, $"`npm test` (vitest run) in frontend/ exited with {result.ExitCode}:\n{result.Output}");
        Assert.Matches(@"Tests\s+\d+ passed", result.Output);
    }
}
