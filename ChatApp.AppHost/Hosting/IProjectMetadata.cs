namespace ChatApp.AppHost.Hosting;

/// <summary>
/// A .NET project the app model starts, generated as <c>Projects.&lt;Name&gt;</c> from the AppHost's ProjectReferences
/// (the same shape as Aspire's generated project metadata).
/// </summary>
public interface IProjectMetadata
{
    /// <summary>Full path of the project file.</summary>
    string ProjectPath { get; }

    /// <summary>Full path of the built assembly (the AppHost's configuration), started with <c>dotnet &lt;dll&gt;</c>.</summary>
    string TargetPath { get; }
}
