namespace ChatApp.LoadTest;

public static class Report
{
    public static void Print(Dictionary<string, object> result, string indent = "")
    {
        var width = result.Keys.Max(k => k.Length) + 2;
        foreach (var (key, value) in result)
        {
            if (value is System.Collections.IDictionary nested)
            {
                Console.WriteLine($"{indent}{key}:");
                Print(nested.Keys.Cast<string>().ToDictionary(k => k, k => nested[k]!), indent + "  ");
            }
            else
            {
                Console.WriteLine($"{indent}{key.PadRight(width)}{value}");
            }
        }
    }
}
