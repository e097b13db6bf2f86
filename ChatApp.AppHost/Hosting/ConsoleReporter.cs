using System.Diagnostics;
using Spectre.Console;

namespace ChatApp.AppHost.Hosting;

/// <summary>The AppHost's console: state changes, each resource's output under its name, the startup table.</summary>
internal sealed class ConsoleReporter
{
    private static readonly string[] Palette = ["cyan", "magenta", "green", "yellow", "blue", "olive", "teal", "purple"];
    private readonly DistributedApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (ResourceState State, HealthStatus? Health)> _printed = [];
    private readonly Dictionary<string, string> _colors;
    private readonly int _nameWidth;

    public ConsoleReporter(DistributedApplication app)
    {
        _app = app;
        if (Console.IsOutputRedirected)
        {
            // Piped to a file or a CI log: one line per line, never wrapped at 80 columns.
            AnsiConsole.Profile.Width = 1000;
        }
        _colors = app.Resources.Select((r, i) => (r.Name, Palette[i % Palette.Length])).ToDictionary(x => x.Name, x => x.Item2);
        _nameWidth = app.Resources.Count == 0 ? 8 : app.Resources.Max(r => r.Name.Length);
        if (app.Options.PublishOutputPath is null)
        {
            Write($"[bold]ChatApp AppHost[/] [grey]· {Markup.Escape(app.Options.EnvironmentName)} · Ctrl+C stops everything[/]");
        }
        app.Notifications.Changed += OnChanged;
        if (app.Options.ShowResourceLogs)
        {
            app.Logs.LineWritten += OnLine;
        }
    }

    public void PrintReady()
    {
        var elapsed = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Resource").AddColumn("Type").AddColumn("State").AddColumn("URL");
        foreach (var snapshot in _app.Notifications.GetAll())
        {
            table.AddRow(
                $"[{_colors[snapshot.Name]}]{Markup.Escape(snapshot.Name)}[/]",
                Markup.Escape(snapshot.Type),
                StateMarkup(snapshot.State, snapshot.Health, snapshot.ExitCode),
                snapshot.Url is { } url && !url.StartsWith("tcp", StringComparison.Ordinal) ? $"[link]{Markup.Escape(url)}[/]" : Markup.Escape(snapshot.Url ?? ""));
        }
        lock (_gate)
        {
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"[green]All resources are up[/] [grey]({elapsed.TotalSeconds:0.0} s after the AppHost started)[/]");
            var open = _app.Resources.FirstOrDefault(r => r.Endpoint is { IsExternal: true } && r.Type == "ViteApp")
                       ?? _app.Resources.FirstOrDefault(r => r.Endpoint is { IsExternal: true });
            if (open is not null)
            {
                AnsiConsole.MarkupLine($"Open [bold link]{Markup.Escape(open.Endpoint!.Url)}[/]");
            }
            foreach (var line in _app.Options.ReadyLines)
            {
                AnsiConsole.MarkupLine(Markup.Escape(line));
            }
        }
    }

    public void PrintFailure(string line) => Write($"[red]✗ {Markup.Escape(line)}[/]");

    public void PrintNote(string line) => Write($"[grey]{Markup.Escape(line)}[/]");

    public void PrintStopped(string? failure) =>
        Write(failure is null ? "[grey]Stopped.[/]" : $"[red]AppHost stopped: {Markup.Escape(failure)}[/]");

    public void PrintPublished(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            Write($"[green]wrote[/] {Markup.Escape(file)}");
        }
    }

    private void OnChanged(ResourceSnapshot snapshot)
    {
        lock (_gate)
        {
            var key = (snapshot.State, snapshot.Health);
            var seen = _printed.TryGetValue(snapshot.Name, out var last);
            if ((seen && last == key) || (!seen && snapshot.State == ResourceState.NotStarted))
            {
                return;
            }
            _printed[snapshot.Name] = key;
        }
        var reason = snapshot.Reason is { } r && snapshot.State is ResourceState.FailedToStart or ResourceState.Exited or ResourceState.Stopping
            ? $" [grey]{Markup.Escape(r)}[/]"
            : "";
        Write($"[grey]{DateTime.Now:HH:mm:ss}[/] {Name(snapshot.Name)} {StateMarkup(snapshot.State, snapshot.Health, snapshot.ExitCode)}{reason}");
    }

    private void OnLine(LogLine line)
    {
        var text = Markup.Escape(line.Text);
        Write($"{Name(line.Resource)} [grey]|[/] {(line.IsError && LooksLikeError(line.Text) ? $"[red]{text}[/]" : text)}");
    }

    private static bool LooksLikeError(string text) =>
        text.Contains("error", StringComparison.OrdinalIgnoreCase) || text.Contains("fail", StringComparison.OrdinalIgnoreCase) ||
        text.Contains("exception", StringComparison.OrdinalIgnoreCase);

    private string Name(string name) => $"[{_colors.GetValueOrDefault(name, "white")}]{Markup.Escape(name.PadRight(_nameWidth))}[/]";

    private static string StateMarkup(ResourceState state, HealthStatus? health, int? exitCode) => state switch
    {
        ResourceState.Running when health == HealthStatus.Healthy => "[green]Running (Healthy)[/]",
        ResourceState.Running => "[yellow]Running (Unhealthy)[/]",
        ResourceState.Finished => "[green]Finished[/]",
        ResourceState.Exited => $"[red]Exited{(exitCode is { } code ? $" ({code})" : "")}[/]",
        ResourceState.FailedToStart => "[red]FailedToStart[/]",
        _ => $"[grey]{state}[/]",
    };

    private void Write(string markup)
    {
        lock (_gate)
        {
            try
            {
                AnsiConsole.MarkupLine(markup);
            }
            catch (InvalidOperationException)
            {
                // Malformed markup must never take the AppHost down: print it plain.
                AnsiConsole.WriteLine(Markup.Remove(markup));
            }
        }
    }
}
