using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApp.LoadTest;

public record LoginResult(string AccessToken, UserDto User);
public record UserDto(Guid Id, string Email, string DisplayName, string Role);
public record ConversationDto(Guid Id, Guid VisitorId, string Status);
public record WidgetSession(string VisitorToken, Guid VisitorId, ConversationDto Conversation);
/// <summary>The parts of a message the load test reads (the same shape works over JSON and MessagePack).</summary>
public record MessageDto(long Id, Guid ConversationId, string ClientMessageId, string Body);

/// <summary>The REST calls that set a scenario up, and hub connections to the API.</summary>
public sealed class ChatApiClient(Uri baseUrl) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseUrl };

    public async Task<LoginResult> LoginAsync(string email, string password)
    {
        var response = await _http.PostAsJsonAsync("/api/auth/login", new { email, password }, Json);
        await EnsureAsync(response, $"sign in as {email}");
        return (await response.Content.ReadFromJsonAsync<LoginResult>(Json))!;
    }

    public async Task<UserDto> CreateOperatorAsync(string adminToken, string email, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = JsonContent.Create(new { email, displayName = email.Split('@')[0], password, role = "Operator" }, options: Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        var response = await _http.SendAsync(request);
        await EnsureAsync(response, "create an operator");
        return (await response.Content.ReadFromJsonAsync<UserDto>(Json))!;
    }

    public async Task<WidgetSession> StartConversationAsync(string name)
    {
        var response = await _http.PostAsJsonAsync("/api/widget/conversations", new { name, pageUrl = "https://bench.example/" }, Json);
        for (var attempt = 0; response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 5; attempt++)
        {
            // The API answers 503 when the database is too slow for it (a busy machine): wait as told, then retry.
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(2));
            response = await _http.PostAsJsonAsync("/api/widget/conversations", new { name, pageUrl = "https://bench.example/" }, Json);
        }
        await EnsureAsync(response, "start a widget conversation");
        return (await response.Content.ReadFromJsonAsync<WidgetSession>(Json))!;
    }

    public async Task AssignAsync(string adminToken, Guid conversationId, Guid userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversationId}/assign")
        {
            Content = JsonContent.Create(new { userId }, options: Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        await EnsureAsync(await _http.SendAsync(request), "assign a conversation");
    }

    /// <summary>A hub connection to this client's API over WebSockets.</summary>
    public HubConnection CreateHubConnection(string token, IPAddress? sourceAddress = null, string protocol = "json") =>
        CreateHubConnection(baseUrl, token, sourceAddress, protocol);

    /// <summary>
    /// A hub connection over WebSockets (no negotiation, as the browsers connect) with the JSON or MessagePack protocol;
    /// with <paramref name="sourceAddress"/>, its socket is bound to that loopback address.
    /// </summary>
    public static HubConnection CreateHubConnection(Uri api, string token, IPAddress? sourceAddress, string protocol)
    {
        var url = new Uri(api, "/hubs/chat");
        var builder = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                if (sourceAddress is not null)
                {
                    var invoker = InvokerFor(sourceAddress);
                    options.WebSocketFactory = async (context, ct) =>
                    {
                        var socket = new ClientWebSocket();
                        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
                        await socket.ConnectAsync(context.Uri, invoker, ct);
                        return socket;
                    };
                }
            });
        _ = protocol switch
        {
            "json" => builder.AddJsonProtocol(options => options.PayloadSerializerOptions = Json),
            "messagepack" => builder.AddMessagePackProtocol(),
            _ => throw new ArgumentException($"Unknown protocol {protocol}: use json or messagepack."),
        };
        return builder.Build();
    }

    private static readonly Dictionary<IPAddress, HttpMessageInvoker> Invokers = [];

    private static HttpMessageInvoker InvokerFor(IPAddress source)
    {
        lock (Invokers)
        {
            if (!Invokers.TryGetValue(source, out var invoker))
            {
                invoker = new HttpMessageInvoker(new SocketsHttpHandler
                {
                    ConnectCallback = async (context, ct) =>
                    {
                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        socket.Bind(new IPEndPoint(source, 0));
                        await socket.ConnectAsync(context.DnsEndPoint, ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    },
                });
                Invokers[source] = invoker;
            }
            return invoker;
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"Could not {what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public void Dispose() => _http.Dispose();
}
