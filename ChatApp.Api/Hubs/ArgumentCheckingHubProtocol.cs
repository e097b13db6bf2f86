using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Hubs;

/// <summary>
/// SignalR's JSON protocol, except that a call whose arguments do not bind (a number where a GUID belongs, two
/// arguments where four are expected) is refused with a message that names the argument and what it must be, instead
/// of only "Failed to invoke 'X' due to an error on the server" (SignalR appends a HubException's message to that,
/// and nothing else). Nothing of the server's internals is in it.
/// </summary>
public sealed class ArgumentCheckingHubProtocol(IOptions<JsonHubProtocolOptions> options) : IHubProtocol
{
    private readonly JsonHubProtocol _json = new(options);
    private readonly JsonSerializerOptions _payload = options.Value.PayloadSerializerOptions;

    public string Name => _json.Name;
    public int Version => _json.Version;
    public TransferFormat TransferFormat => _json.TransferFormat;
    public bool IsVersionSupported(int version) => _json.IsVersionSupported(version);
    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _json.WriteMessage(message, output);
    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _json.GetMessageBytes(message);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        var before = input;
        if (!_json.TryParseMessage(ref input, binder, out message))
        {
            return false;
        }
        if (message is InvocationBindingFailureMessage failure)
        {
            var frame = before.Slice(0, before.Length - input.Length).ToArray();
            var explanation = Explain(frame, failure.Target);
            message = new InvocationBindingFailureMessage(failure.InvocationId, failure.Target,
                ExceptionDispatchInfo.Capture(new HubException(explanation)));
        }
        return true;
    }

    private string Explain(byte[] frame, string target)
    {
        var method = typeof(ChatHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .FirstOrDefault(m => m.Name.Equals(target, StringComparison.OrdinalIgnoreCase));
        if (method is null)
        {
            return $"There is no hub method {target}.";
        }
        var parameters = method.GetParameters();
        var signature = $"{method.Name}({string.Join(", ", parameters.Select(p => p.Name))})";
        try
        {
            using var json = JsonDocument.Parse(frame.AsMemory(0, Array.LastIndexOf(frame, (byte)0x1E) is var end and >= 0 ? end : frame.Length));
            var arguments = json.RootElement.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.Array
                ? args.EnumerateArray().ToList() : [];
            if (arguments.Count != parameters.Length)
            {
                return $"{signature} takes {parameters.Length} arguments; {arguments.Count} were sent.";
            }
            for (var i = 0; i < parameters.Length; i++)
            {
                if (!Binds(arguments[i], parameters[i].ParameterType))
                {
                    return $"Argument {i + 1} of {signature}, {parameters[i].Name}, must be {Describe(parameters[i].ParameterType)}.";
                }
            }
        }
        catch (JsonException)
        {
        }
        return $"The arguments do not match {signature}.";
    }

    private bool Binds(JsonElement argument, Type type)
    {
        try
        {
            var value = argument.Deserialize(type, _payload);
            return value is not null || !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(Guid) => Nullable.GetUnderlyingType(type) is null ? "a GUID" : "a GUID or null",
        var t when t == typeof(string) => "a string",
        var t when t == typeof(long) || t == typeof(int) => "a whole number",
        var t when t == typeof(bool) => "true or false",
        var t => $"a {t.Name}",
    };
}
