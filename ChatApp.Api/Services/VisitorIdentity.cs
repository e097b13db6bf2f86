using System.Security.Cryptography;
using System.Text;

namespace ChatApp.Api.Services;

/// <summary>
/// Identity verification for a site's signed-in customers (as Intercom and Chatwoot do): the site's server computes
/// <c>identifierHash = hex(HMAC-SHA256(key: UTF-8 of the identity secret, message: UTF-8 of the identifier))</c>, and
/// only a matching hash lets the widget act as that customer.
/// </summary>
public static class VisitorIdentity
{
    public const int MaxIdentifierLength = 256;

    public static string Hash(string identifier, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(identifier)));

    /// <summary>True when <paramref name="hash"/> (hex, any case) is the identifier's HMAC; compared in constant time.</summary>
    public static bool Verify(string identifier, string? hash, string secret)
    {
        if (string.IsNullOrWhiteSpace(hash) || hash.Trim().Length != 64)
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(hash.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(identifier));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
