using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ChatApp.Api.Auth;

/// <summary>
/// The JWT signing key: <c>Jwt:SigningKey</c> from configuration. In Development only, when none is configured,
/// a random key is generated once and kept in a git-ignored file, so tokens (visitor tokens above all)
/// survive an API restart.
/// </summary>
public class SigningKeyProvider
{
    public SymmetricSecurityKey Key { get; }

    public SigningKeyProvider(IOptions<JwtOptions> options, IHostEnvironment environment, ILogger<SigningKeyProvider> logger)
    {
        var configured = options.Value.SigningKey;
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "No JWT signing key is configured. Set Jwt__SigningKey to a random string of at least 32 characters.");
            }
            configured = LoadOrCreateDevelopmentKey(environment.ContentRootPath, logger);
        }
        var bytes = Encoding.UTF8.GetBytes(configured);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Jwt:SigningKey must be at least 32 bytes long.");
        }
        Key = new SymmetricSecurityKey(bytes);
    }

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
