using System.Security.Cryptography;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Uploads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatApp.Api.Settings;

/// <summary>The stored settings as read at one moment; never changed after it is made (it is cached).</summary>
public sealed class WidgetSettingsSnapshot(WidgetSettings settings)
{
    public WidgetSettings Settings { get; } = settings;
    public bool BusinessHoursEnabled => Settings.BusinessHoursEnabled;
    public IReadOnlyCollection<BusinessHoursInterval> BusinessHours => Settings.BusinessHours;
    public TimeZoneInfo? Zone { get; } = TimeZoneInfo.TryFindSystemTimeZoneById(settings.TimeZone, out var zone) ? zone : null;
}

/// <summary>
/// The widget settings row: read (cached for a few seconds, so several API instances agree within that time and the
/// public endpoint costs no query per page view), changed by admins, created with defaults on first read.
/// </summary>
public class WidgetSettingsService(
    ChatDbContext db, IMemoryCache cache, AvailabilityService availability, IOptions<UploadOptions> uploads, TimeProvider time)
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(5);
    public const string CacheKey = "widget-settings";

    public async Task<WidgetSettingsSnapshot> GetAsync(CancellationToken ct = default)
    {
        if (cache.TryGetValue(CacheKey, out WidgetSettingsSnapshot? cached) && cached is not null)
        {
            return cached;
        }
        var snapshot = new WidgetSettingsSnapshot(await LoadOrCreateAsync(ct));
        cache.Set(CacheKey, snapshot, CacheDuration);
        return snapshot;
    }

    public async Task<PublicWidgetSettingsDto> GetPublicAsync(CancellationToken ct = default)
    {
        var snapshot = await GetAsync(ct);
        var s = snapshot.Settings;
        return new PublicWidgetSettingsDto(s.Title, s.Subtitle, s.Greeting, s.Color, s.Position,
            new PreChatDto(s.NameField, s.EmailField), s.DefaultLanguage, WidgetSettingsRules.ToDto(s),
            await availability.GetAsync(snapshot, ct), UploadRules.Describe(uploads.Value.MaxBytes));
    }

    public async Task<WidgetSettingsDto> GetForAdminAsync(CancellationToken ct = default) => ToAdminDto(await LoadOrCreateAsync(ct));

    public async Task<WidgetSettingsDto> UpdateAsync(UpdateWidgetSettingsRequest request, CancellationToken ct = default)
    {
        await LoadOrCreateAsync(ct);
        var settings = await db.WidgetSettings.SingleAsync(ct);
        WidgetSettingsRules.Apply(request, settings);
        settings.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        cache.Remove(CacheKey);
        return ToAdminDto(settings);
    }

    /// <summary>The identity secret as stored now (never cached: a rotated secret takes effect at once everywhere).</summary>
    public async Task<string> GetIdentitySecretAsync(CancellationToken ct = default) => (await LoadOrCreateAsync(ct)).IdentitySecret;

    /// <summary>A new identity secret: hashes made with the old one are refused from now on.</summary>
    public async Task<WidgetSettingsDto> RotateIdentitySecretAsync(CancellationToken ct = default)
    {
        await LoadOrCreateAsync(ct);
        var settings = await db.WidgetSettings.SingleAsync(ct);
        settings.IdentitySecret = NewSecret();
        settings.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        cache.Remove(CacheKey);
        return ToAdminDto(settings);
    }

    private async Task<WidgetSettings> LoadOrCreateAsync(CancellationToken ct)
    {
        var settings = await db.WidgetSettings.AsNoTracking().FirstOrDefaultAsync(ct);
        if (settings is not null)
        {
            return settings;
        }
        var created = new WidgetSettings
        {
            IdentitySecret = NewSecret(),
            BusinessHours = WidgetSettings.DefaultHours(),
            UpdatedAt = time.GetUtcNow(),
        };
        db.WidgetSettings.Add(created);
        try
        {
            await db.SaveChangesAsync(ct);
            return created;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another request (or instance) created it first: use that one, with its secret.
            return await db.WidgetSettings.AsNoTracking().SingleAsync(ct);
        }
        finally
        {
            // Callers that change the settings load them again, tracked (with their owned business hours).
            db.ChangeTracker.Clear();
        }
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static WidgetSettingsDto ToAdminDto(WidgetSettings s) => new(s.Title, s.Subtitle, s.Greeting, s.Color, s.Position,
        new PreChatDto(s.NameField, s.EmailField), WidgetSettingsRules.ToDto(s), s.DefaultLanguage, s.IdentitySecret, s.UpdatedAt);
}
