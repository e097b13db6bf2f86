using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChatApp.Api.Services;
using ChatApp.Tests.Hub;
using ChatApp.Tests.Infrastructure;
using CsCheck;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

/// <summary>
/// Random text (control characters, NUL, unpaired surrogates, bidirectional controls, text around and far over the
/// limits) in every text field, over REST and the hub, while a well-behaved visitor keeps chatting. For every sample:
/// no 5xx and no server-side failure, what was accepted is stored exactly as the answer said, and the other visitor's
/// messages all get through.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RandomTextPropertyTests(ApiFixture api) : IAsyncLifetime
{
    private const int Iterations = 40;

    /// <summary>One piece of text: letters, whitespace, NUL and other control characters, bidirectional controls, other scripts, emoji.</summary>
    private static readonly Gen<string> Piece = Gen.Frequency(
        (6, Gen.Char['a', 'z'].Select(c => c.ToString())),
        (2, Gen.OneOf(Gen.Const(" "), Gen.Const("\n"), Gen.Const("\t"), Gen.Const("\r\n"))),
        (2, Gen.Const("\0")),
        (2, Gen.Char['\u0001', '\u001F'].Select(c => c.ToString())),
        (1, Gen.Char['\u007F', '\u009F'].Select(c => c.ToString())),
        (2, Gen.OneOf(Gen.Char['\u202A', '\u202E'], Gen.Char['\u2066', '\u2069'], Gen.Const('\u200F')).Select(c => c.ToString())),
        (2, Gen.Char['\u0400', '\u06FF'].Select(c => c.ToString())),
        (1, Gen.OneOf(Gen.Const("😀"), Gen.Const("👩‍💻"), Gen.Const("\uFEFF"), Gen.Const("\uFFFF"), Gen.Const("\""), Gen.Const("\\"))));

    private static readonly Gen<string> Clean = Piece.Array[0, 40].Select(string.Concat);

    /// <summary>
    /// Mostly short hostile strings; sometimes one with an unpaired surrogate (a request holding one is refused whole,
    /// so they come rarely enough for the rest to reach the rules), one around a column's length, or one far over
    /// every limit.
    /// </summary>
    private static readonly Gen<string> Text = Gen.Frequency(
        (16, Clean),
        (1, Clean.Select(Gen.Char['\uD800', '\uDFFF'], Gen.Int[0, 40], (text, lone, at) => text.Insert(Math.Min(at, text.Length), lone.ToString()))),
        (2, Clean.Select(Gen.Int[60, 330], (text, n) => text + new string('n', n))),
        (1, Piece.Array[0, 5].Select(Gen.Int[3990, 4010], (pieces, n) => new string('b', n) + string.Concat(pieces))),
        (1, Gen.Int[20_000, 200_000].Select(n => new string('h', n) + "\0")));

    private ChatApiFactory _factory = null!;

    public async Task InitializeAsync()
    {
        await api.ResetAsync();
        _factory = new ChatApiFactory(api.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Chat:MaxMessagesPerSecond"] = "100000",
        });
        _factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
    }

    /// <summary>JSON with every character outside printable ASCII escaped, so unpaired surrogates reach the server as sent.</summary>
    private static StringContent RawJson(params (string Name, string? Value)[] fields)
    {
        var json = new StringBuilder("{");
        foreach (var (name, value) in fields)
        {
            if (json.Length > 1) json.Append(',');
            json.Append('"').Append(name).Append("\":");
            if (value is null)
            {
                json.Append("null");
                continue;
            }
            json.Append('"');
            foreach (var c in value)
            {
                if (c is >= ' ' and <= '~' and not '"' and not '\\') json.Append(c);
                else json.Append($"\\u{(int)c:x4}");
            }
            json.Append('"');
        }
        return new StringContent(json.Append('}').ToString(), Encoding.UTF8, "application/json");
    }

    private static async Task<JsonElement?> AssertNoServerErrorAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{what}: {(int)response.StatusCode} {body}");
        if (!response.IsSuccessStatusCode)
        {
            // Every refusal is a ProblemDetails that says something.
            using var problem = JsonDocument.Parse(body);
            Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()), body);
            return null;
        }
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task RandomMessagesOverRest_AreStoredAsAcceptedOrRefused_AndTheOtherVisitorIsUnaffected()
    {
        var hostile = await api.StartWidgetAsync("Hostile");
        var neighbour = await api.StartWidgetAsync("Neighbour");
        using var rest = api.Client(hostile.VisitorToken, _factory);
        await using var other = await HubTestClient.ConnectAsync(api, neighbour.VisitorToken, _factory);
        var neighbourSent = 0;

        await Gen.Select(Text, Text).SampleAsync(async (clientMessageId, body) =>
        {
            var neighbourSend = other.SendAsync(neighbour.Conversation.Id, $"still chatting {Interlocked.Increment(ref neighbourSent)}");
            var response = await rest.PostAsync($"/api/widget/conversations/{hostile.Conversation.Id}/messages",
                RawJson(("clientMessageId", clientMessageId), ("body", body)));
            var accepted = await AssertNoServerErrorAsync(response, "send");
            await neighbourSend;
            if (accepted is { } message)
            {
                await using var db = api.CreateDbContext();
                var stored = await db.Messages.AsNoTracking().SingleAsync(m => m.Id == message.GetProperty("id").GetInt64());
                Assert.Equal(message.GetProperty("body").GetString(), stored.Body);
                Assert.Equal(message.GetProperty("clientMessageId").GetString(), stored.ClientMessageId);
                Assert.Equal(body.Trim(), stored.Body);
            }
        }, iter: Iterations, threads: 1);

        Assert.Equal(neighbourSent, (await api.StoredMessagesAsync(neighbour.Conversation.Id)).Count);
    }

    [Fact]
    public async Task RandomMessagesOverTheHub_AreStoredAsAcceptedOrRefusedReadably_AndTheOtherVisitorIsUnaffected()
    {
        var hostile = await api.StartWidgetAsync("Hostile");
        var neighbour = await api.StartWidgetAsync("Neighbour");
        await using var attacker = await HubTestClient.ConnectAsync(api, hostile.VisitorToken, _factory);
        await using var other = await HubTestClient.ConnectAsync(api, neighbour.VisitorToken, _factory);
        var neighbourSent = 0;
        // Over the hub the frame limit (32 KB) closes the connection by design; stay under it.
        var hubText = Text.Where(t => Encoding.UTF8.GetMaxByteCount(t.Length) < 24_000);

        await Gen.Select(hubText, hubText).SampleAsync(async (clientMessageId, body) =>
        {
            var neighbourSend = other.SendAsync(neighbour.Conversation.Id, $"still chatting {Interlocked.Increment(ref neighbourSent)}");
            MessageDto? message = null;
            try
            {
                message = await attacker.SendAsync(hostile.Conversation.Id, body, clientMessageId);
            }
            catch (HubException refused)
            {
                Assert.DoesNotContain("failed on the server", refused.Message);
            }
            await neighbourSend;
            if (message is not null)
            {
                await using var db = api.CreateDbContext();
                var stored = await db.Messages.AsNoTracking().SingleAsync(m => m.Id == message.Id);
                Assert.Equal(message.Body, stored.Body);
                Assert.Equal(message.ClientMessageId, stored.ClientMessageId);
            }
        }, iter: Iterations, threads: 1);

        Assert.Equal(neighbourSent, (await api.StoredMessagesAsync(neighbour.Conversation.Id)).Count);
    }

    [Fact]
    public async Task RandomVisitorDetails_StartAConversationOrAreRefused_AndWhatIsStoredIsWhatWasAnswered()
    {
        using var client = _factory.CreateClient();
        await Gen.Select(Text, Text, Text).SampleAsync(async (name, email, pageUrl) =>
        {
            var response = await client.PostAsync("/api/widget/conversations",
                RawJson(("name", name), ("email", Gen.Bool.Single() ? email : null), ("pageUrl", null)));
            var session = await AssertNoServerErrorAsync(response, "widget start");
            if (session is { } started)
            {
                var conversation = started.GetProperty("conversation");
                await using var db = api.CreateDbContext();
                var stored = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversation.GetProperty("id").GetGuid());
                Assert.Equal(conversation.GetProperty("visitorName").GetString(), stored.VisitorName);
                Assert.Equal(conversation.GetProperty("visitorEmail").GetString(), stored.VisitorEmail);
                Assert.DoesNotContain(stored.VisitorName ?? "", c => c is '\u202E' or '\u202D' or '\u2066' or '\u2067' or '\u2068' or '\u2069');
            }
            await AssertNoServerErrorAsync(await client.PostAsync("/api/widget/conversations", RawJson(("pageUrl", pageUrl))), "page URL");
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public async Task RandomCredentialsAndUsers_AreAnsweredOrRefused_NeverAServerError()
    {
        using var anonymous = _factory.CreateClient();
        using var admin = api.Client(api.Admin.Token, _factory);
        await Gen.Select(Text, Text, Text).SampleAsync(async (email, password, displayName) =>
        {
            await AssertNoServerErrorAsync(await anonymous.PostAsync("/api/auth/login",
                RawJson(("email", email), ("password", password))), "login");

            var created = await AssertNoServerErrorAsync(await admin.PostAsync("/api/users",
                RawJson(("email", $"u{Guid.NewGuid():N}@chatapp.test"), ("displayName", displayName), ("password", password), ("role", "Operator"))),
                "create user");
            if (created is { } user)
            {
                await using var db = api.CreateDbContext();
                var stored = await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.GetProperty("id").GetGuid());
                Assert.Equal(user.GetProperty("displayName").GetString(), stored.DisplayName);
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public async Task RandomUploadFileNames_AreStoredSafelyOrRefused_AndStillAttachToAMessage()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken, _factory);
        await Text.SampleAsync(async name =>
        {
            var file = new ByteArrayContent(UploadsApiTests.TinyPng);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            var form = new MultipartFormDataContent();
            // The name goes out as RFC 5987 filename*, which carries any character.
            file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileNameStar = name };
            form.Add(file);
            var uploaded = await AssertNoServerErrorAsync(await client.PostAsync("/api/uploads", form), "upload");
            if (uploaded is { } attachment)
            {
                var fileName = attachment.GetProperty("fileName").GetString()!;
                Assert.InRange(fileName.Length, 1, 255);
                Assert.DoesNotContain(fileName, c => char.IsControl(c) || c is '\u202E' or '\u2066' or '\u200F');
                var sent = await AssertNoServerErrorAsync(await client.PostAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
                    RawJson(("clientMessageId", Guid.NewGuid().ToString()), ("body", ""), ("attachmentId", attachment.GetProperty("id").GetString()))),
                    "send with attachment");
                Assert.NotNull(sent);
            }
        }, iter: Iterations, threads: 1);
    }
}
