using System.Text.Json;
using ChatApp.LoadTest;

var options = Options.Parse(args);
Dictionary<string, object> result = options.Mode switch
{
    "throughput" => await new ThroughputScenario(options).RunAsync(),
    "connections" => await new ConnectionsScenario(options).RunAsync(),
    "reports" => await new ReportsScenario(options).RunAsync(),
    _ => throw new ArgumentException($"Unknown --mode {options.Mode}: use throughput, connections or reports."),
};
result["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
result["measured_at"] = DateTimeOffset.UtcNow;

Report.Print(result);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
await File.WriteAllTextAsync(options.Output, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"Written to {options.Output}");
