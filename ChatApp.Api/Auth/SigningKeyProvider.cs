using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ChatApp.Api.Auth;

/// <summary>
/// The JWT key ring: <c>Jwt:SigningKeys</c> (newest first) and <c>Jwt:SigningKey</c> from configuration. Tokens carry
/// the id (<c>kid</c>) of the key that signed them, so a new key can sign while the old ones still verify: rotating
/// the key logs nobody out. In Development only, when no key is configured, a random key is generated once and kept in
/// a git-ignored file, so tokens (visitor tokens above all) survive an API restart.
/// </summary>
public class SigningKeyProvider
{
    private const int MinKeyBytes = 32;

    /// <summary>The key that signs new tokens (the ring's first).</summary>
    public SymmetricSecurityKey Key { get; }

    /// <summary>Every key of the ring: a token signed by any of them is valid.</summary>
    public IReadOnlyList<SymmetricSecurityKey> VerificationKeys { get; }

    public SigningKeyProvider(IOptions<JwtOptions> options, IHostEnvironment environment, ILogger<SigningKeyProvider> logger)
    {
        var ring = Lines(options.Value.SigningKeys).Select(ParseLine).ToList();
        if (!string.IsNullOrWhiteSpace(options.Value.SigningKey))
        {
            ring.Add(Create(null, options.Value.SigningKey.Trim()));
        }
        if (ring.Count == 0)
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "No JWT signing key is configured. Set Jwt__SigningKeys (a file of keys, newest first) or Jwt__SigningKey to a random string of at least 32 characters.");
            }
            ring.Add(Create(null, LoadOrCreateDevelopmentKey(environment.ContentRootPath, logger)));
        }
        var keys = new List<SymmetricSecurityKey>();
        foreach (var key in ring)
        {
            if (keys.Any(k => k.KeyId == key.KeyId))
            {
                if (keys.Any(k => k.KeyId == key.KeyId && k.Key.SequenceEqual(key.Key)))
                {
                    continue;
                }
                throw new InvalidOperationException($"Two JWT signing keys have the id '{key.KeyId}': give each key of Jwt:SigningKeys its own id.");
            }
            keys.Add(key);
        }
        Key = keys[0];
        VerificationKeys = keys;
    }

    /// <summary>A line of the ring: <c>&lt;id&gt; &lt;key&gt;</c>, or the key alone (its id is a hash of it).</summary>
    private static SymmetricSecurityKey ParseLine(string line)
    {
        var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2 ? Create(parts[0], parts[1]) : Create(null, parts[0]);
    }

    private static SymmetricSecurityKey Create(string? id, string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        if (bytes.Length < MinKeyBytes)
        {
            throw new InvalidOperationException(
                $"The JWT signing key{(id is null ? "" : $" '{id}'")} is {bytes.Length} bytes long; it must be at least {MinKeyBytes} (e.g. openssl rand -base64 48).");
        }
        return new SymmetricSecurityKey(bytes) { KeyId = id ?? Base64UrlEncoder.Encode(SHA256.HashData(bytes)[..9]) };
    }

    private static IEnumerable<string> Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'));

    private static string LoadOrCreateDevelopmentKey(string contentRoot, ILogger logger)
    {
        var path = Path.Combine(contentRoot, ".local", "jwt-signing.key");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        File.WriteAllText(path, key);
        logger.LogInformation("Generated a development JWT signing key in {Path} (git-ignored)", path);
        return key;
    }
}
