using System.Text.Json;
using ChatApp.LoadTest;

var options = Options.Parse(args);
Dictionary<string, object> result = options.Mode switch
{
    "ladder" => await new LadderScenario(options).RunAsync(options.Rates, climb: options.ClimbStep > 0),
    "throughput" => await new LadderScenario(options).RunAsync([options.Rate], climb: false),
    "connections" => await new ConnectionsScenario(options).RunAsync(),
    "reports" => await new ReportsScenario(options).RunAsync(),
    _ => throw new ArgumentException($"Unknown --mode {options.Mode}: use ladder, throughput, connections or reports."),
};
result["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
result["measured_at"] = DateTimeOffset.UtcNow;

if (result.Remove("table", out var table))
{
    Console.WriteLine();
    Console.WriteLine(table);
    await File.WriteAllTextAsync(Path.ChangeExtension(options.Output, ".md"), (string)table);
}
else
{
    Report.Print(result);
}
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
await File.WriteAllTextAsync(options.Output, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
Console.WriteLine($"Written to {options.Output}");
