using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Webhooks;

/// <summary>The result of one attempt: a status code when the receiver answered, otherwise why not.</summary>
public sealed record WebhookAttempt(bool Succeeded, int? StatusCode, string? Error);

/// <summary>
/// Sends one signed delivery. Its own HTTP client, outside the service defaults' resilience handler (a retry there would
/// send the same delivery twice without the outbox knowing): no proxy, no redirects, a timeout, and a connect callback
/// that refuses non-public addresses after DNS resolution.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;

    public WebhookSender(IOptions<WebhookOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = _options.Timeout,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0)
        {
            throw new WebhookRefusedException($"{host} has no address.");
        }
        var allowed = _options.AllowPrivateAddresses ? addresses : [.. addresses.Where(a => WebhookAddresses.Refusal(a) is null)];
        if (allowed.Length == 0)
        {
            throw new WebhookRefusedException(
                $"{host} resolves to {addresses[0]}, {WebhookAddresses.Refusal(addresses[0])}; webhooks may only reach public addresses.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // The socket connects to exactly the addresses checked above, never to a fresh resolution.
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<WebhookAttempt> SendAsync(string url, string secret, string eventName, Guid deliveryId, string payload, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.ParseAdd("ChatApp-Webhooks/1.0");
        request.Headers.Add(WebhookSignature.EventHeader, eventName);
        request.Headers.Add(WebhookSignature.DeliveryHeader, deliveryId.ToString());
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, _time.GetUtcNow().ToUnixTimeSeconds(), payload));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 300 ? new WebhookAttempt(true, code, null)
                : new WebhookAttempt(false, code, code is >= 300 and < 400
                    ? $"The receiver answered {code} (a redirect); webhooks do not follow redirects: register the final URL."
                    : $"The receiver answered {code}.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookAttempt(false, null, $"No answer within {_options.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException e) when (FindRefusal(e) is { } refused)
        {
            return new WebhookAttempt(false, null, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return new WebhookAttempt(false, null, Describe(e));
        }
    }

    private static WebhookRefusedException? FindRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is WebhookRefusedException refused) return refused;
        }
        return null;
    }

    private static string Describe(HttpRequestException e) =>
        e.InnerException is SocketException socket ? $"Could not connect: {socket.SocketErrorCode}." : $"The request failed: {e.Message}";

    public void Dispose() => _client.Dispose();
}

/// <summary>The endpoint's address is not one webhooks may reach.</summary>
public sealed class WebhookRefusedException(string message) : Exception(message);
