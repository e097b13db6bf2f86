using System.Security.Cryptography;
using System.Text;

namespace ChatApp.Api.Webhooks;

/// <summary>
/// <c>X-ChatApp-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;body&gt;"&gt;</c>, keyed with the
/// UTF-8 bytes of the endpoint's secret. The time in the signed text lets receivers refuse replays of old deliveries.
/// </summary>
public static class WebhookSignature
{
    public const string EventHeader = "X-ChatApp-Event";
    public const string DeliveryHeader = "X-ChatApp-Delivery";
    public const string SignatureHeader = "X-ChatApp-Signature";

    public static string Sign(string secret, long unixSeconds, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}"));
        return $"t={unixSeconds},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>What a receiver does: recompute and compare in constant time, within a tolerance of the signed time.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        long? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var (key, value) = (part.Split('=', 2) is [var k, var v] ? (k.Trim(), v.Trim()) : ("", ""));
            if (key == "t" && long.TryParse(value, out var parsed)) t = parsed;
            if (key == "v1") signatures.Add(value);
        }
        if (t is null || Math.Abs(now.ToUnixTimeSeconds() - t.Value) > tolerance.TotalSeconds)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, t.Value, body).Split(",v1=")[1]);
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)));
    }

    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
