using System.Net;
using ChatApp.Api.Services;

namespace ChatApp.Api.Webhooks;

/// <summary>What an endpoint may be: an absolute http(s) URL (no credentials in it), known events, a short description.</summary>
public static class WebhookRules
{
    public const int MaxUrlLength = 2048;
    public const int MaxDescriptionLength = 200;
    public const int MaxErrorLength = 500;
    public const int MaxEndpoints = 50;

    public static string ValidUrl(string? value, bool allowPrivateAddresses)
    {
        var url = value?.Trim();
        if (string.IsNullOrEmpty(url) || url.Length > MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw ChatException.Invalid("url", $"Enter an absolute http:// or https:// URL of at most {MaxUrlLength} characters.");
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw ChatException.Invalid("url", "The URL may not contain a user name or password; check the signature instead.");
        }
        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            throw ChatException.Invalid("url", "The URL may not contain a #fragment.");
        }
        // Host names are checked when connecting (their address may change); a literal address can be refused now.
        if (!allowPrivateAddresses && IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address)
            && WebhookAddresses.Refusal(address) is { } refusal)
        {
            throw ChatException.Invalid("url", $"{address} is {refusal}; webhooks may only reach public addresses.");
        }
        if (!allowPrivateAddresses && uri.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw ChatException.Invalid("url", "localhost is a loopback address; webhooks may only reach public addresses.");
        }
        return uri.AbsoluteUri;
    }

    public static List<string> ValidEvents(IReadOnlyCollection<string>? events)
    {
        if (events is null || events.Count == 0)
        {
            throw ChatException.Invalid("events", $"Choose at least one event: {string.Join(", ", WebhookEvents.All)}.");
        }
        var unknown = events.Where(e => !WebhookEvents.All.Contains(e)).ToList();
        if (unknown.Count > 0)
        {
            throw ChatException.Invalid("events", $"Unknown event {string.Join(", ", unknown)}; the events are {string.Join(", ", WebhookEvents.All)}.");
        }
        return [.. WebhookEvents.All.Where(events.Contains)];
    }

    public static string? ValidDescription(string? value)
    {
        var description = value?.Trim();
        if (string.IsNullOrEmpty(description)) return null;
        return description.Length <= MaxDescriptionLength ? description
            : throw ChatException.Invalid("description", $"The description may be at most {MaxDescriptionLength} characters.");
    }

    public static string Truncate(string? error) =>
        error is null ? "" : error.Length <= MaxErrorLength ? error : error[..(MaxErrorLength - 1)] + "…";
}
