using System.Text.RegularExpressions;

namespace ChatApp.AppHost.Dashboard.Web;

/// <summary>
/// Masks secrets in a resource's environment before the dashboard sends it to a browser: whole values of variables
/// whose name says secret, passwords inside connection strings, header values of <c>OTEL_EXPORTER_OTLP_HEADERS</c>,
/// and any known secret value (generated passwords, keys) wherever it appears.
/// </summary>
public static partial class SecretMasker
{
    public const string Mask = "••••••••";

    public static IReadOnlyList<KeyValuePair<string, string>> MaskEnvironment(
        IReadOnlyDictionary<string, string> environment, IReadOnlyCollection<string> secretValues) =>
        [.. environment.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, MaskValue(kv.Key, kv.Value, secretValues)))];

    public static string MaskValue(string name, string value, IReadOnlyCollection<string> secretValues)
    {
        if (value.Length == 0)
        {
            return value;
        }
        if (name.EndsWith("_HEADERS", StringComparison.OrdinalIgnoreCase))
        {
            // key1=value1,key2=value2: keep the header names, hide the values.
            return string.Join(',', value.Split(',').Select(h => h.Contains('=') ? h[..(h.IndexOf('=') + 1)] + Mask : Mask));
        }
        if (SecretName().IsMatch(name))
        {
            return Mask;
        }
        var masked = ConnectionStringSecret().Replace(value, m => m.Groups[1].Value + Mask);
        foreach (var secret in secretValues.Where(s => s.Length >= 4).OrderByDescending(s => s.Length))
        {
            masked = masked.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return masked;
    }

    [GeneratedRegex(@"(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|SIGNING_?KEY|PRIVATE_?KEY|CREDENTIAL)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"((?:^|;)\s*(?:Password|Pwd|User Password)\s*=\s*)[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringSecret();
}
