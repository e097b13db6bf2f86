using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatApp.Tests.Infrastructure;

/// <summary>A delivery as the receiver got it.</summary>
public sealed record ReceivedWebhook(string Event, Guid DeliveryId, string Signature, string Body, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    public JsonElement Data => Json.GetProperty("data");
}

/// <summary>
/// A real HTTP receiver on a loopback port (Kestrel), as an outside system would run one: it records each POST and
/// answers what the test tells it to (by default 200), optionally after a delay, and counts deliveries in flight.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private int _inFlight;

    /// <summary>Decides the status code of a request, given it and its number (0-based); 200 unless set.</summary>
    public Func<ReceivedWebhook, int, HttpStatusCode> Respond { get; set; } = (_, _) => HttpStatusCode.OK;

    /// <summary>How long the receiver takes to answer the n-th request (0-based).</summary>
    public Func<int, TimeSpan> Delay { get; set; } = _ => TimeSpan.Zero;

    /// <summary>The most deliveries that were in flight at the same time.</summary>
    public int MaxInFlight { get; private set; }

    public int Requests => _requests;
    private int _requests;

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync(string path = "/hooks")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost(path, (Delegate)receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public Uri BaseAddress => new(_app.Urls.First());

    public string Url(string path = "/hooks") => new Uri(BaseAddress, path).ToString();

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _requests) - 1;
        var inFlight = Interlocked.Increment(ref _inFlight);
        lock (_received)
        {
            MaxInFlight = Math.Max(MaxInFlight, inFlight);
        }
        try
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var received = new ReceivedWebhook(
                context.Request.Headers["X-ChatApp-Event"].ToString(),
                Guid.TryParse(context.Request.Headers["X-ChatApp-Delivery"], out var id) ? id : Guid.Empty,
                context.Request.Headers["X-ChatApp-Signature"].ToString(),
                body,
                DateTimeOffset.UtcNow);
            _received.Enqueue(received);
            if (Delay(n) is { Ticks: > 0 } delay)
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            return Results.StatusCode((int)Respond(received, n));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Polls until <paramref name="done"/> holds for what was received; fails with what was received otherwise.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var received = Received;
            if (done(received))
            {
                return received;
            }
            if (deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"The receiver got {received.Count} deliveries: {string.Join(", ", received.Select(r => r.Event))}");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
