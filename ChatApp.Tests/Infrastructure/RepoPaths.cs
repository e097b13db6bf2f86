namespace ChatApp.Tests.Infrastructure;

public static class RepoPaths
{
    /// <summary>The folder holding ChatApp.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Build configuration of the running tests (Debug or Release), so sibling projects are found in the same one.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public static string ProjectOutput(string project, string file) =>
        Path.Combine(Root, project, "bin", Configuration, "net10.0", file);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatApp.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("ChatApp.sln not found above " + AppContext.BaseDirectory);
    }
}
