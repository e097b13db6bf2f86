using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Collector.Logs;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Collector.Metrics;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Collector.Trace;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using RpcStatus = ChatApp.AppHost.Dashboard.Otlp.Proto.Rpc.Status;

namespace ChatApp.AppHost.Dashboard.Otlp;

/// <summary>
/// OTLP/HTTP with binary protobuf bodies (<c>POST /v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>), answering as the
/// OTLP specification says: 200 with the Export…ServiceResponse (partial success when some items were invalid); 400 for
/// a body that does not parse; 401 without the API key; 413 over the size cap; 415 for another content type or
/// encoding. Every error body is a protobuf <c>google.rpc.Status</c>. A bad request never affects the next one.
/// </summary>
public static class OtlpHttpReceiver
{
    public const string ProtobufContentType = "application/x-protobuf";
    public const string ApiKeyHeader = "x-otlp-api-key";

    public static IEndpointRouteBuilder MapOtlpHttp(this IEndpointRouteBuilder routes, OtlpConverter converter, DashboardOptions options)
    {
        routes.MapPost("/v1/traces", context => HandleAsync(context, options, ExportTraceServiceRequest.Parser, request =>
        {
            var result = converter.Export(request);
            return new ExportTraceServiceResponse
            {
                PartialSuccess = result.Rejected == 0 ? null
                    : new ExportTracePartialSuccess { RejectedSpans = result.Rejected, ErrorMessage = result.RejectionReason ?? "" },
            };
        }));
        routes.MapPost("/v1/logs", context => HandleAsync(context, options, ExportLogsServiceRequest.Parser, request =>
        {
            var result = converter.Export(request);
            return new ExportLogsServiceResponse
            {
                PartialSuccess = result.Rejected == 0 ? null
                    : new ExportLogsPartialSuccess { RejectedLogRecords = result.Rejected, ErrorMessage = result.RejectionReason ?? "" },
            };
        }));
        routes.MapPost("/v1/metrics", context => HandleAsync(context, options, ExportMetricsServiceRequest.Parser, request =>
        {
            var result = converter.Export(request);
            return new ExportMetricsServiceResponse
            {
                PartialSuccess = result.Rejected == 0 ? null
                    : new ExportMetricsPartialSuccess { RejectedDataPoints = result.Rejected, ErrorMessage = result.RejectionReason ?? "" },
            };
        }));
        return routes;
    }

    /// <summary>Whether <paramref name="presented"/> is the expected key (any key when none is configured), in constant time.</summary>
    public static bool IsValidApiKey(string? expected, string? presented) =>
        string.IsNullOrEmpty(expected) || (presented is not null &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented)));

    private static async Task HandleAsync<TRequest>(HttpContext context, DashboardOptions options, MessageParser<TRequest> parser,
        Func<TRequest, IMessage> export) where TRequest : IMessage<TRequest>
    {
        if (!IsValidApiKey(options.OtlpApiKey, context.Request.Headers[ApiKeyHeader]))
        {
            await FailAsync(context, StatusCodes.Status401Unauthorized, $"Missing or wrong {ApiKeyHeader} header.");
            return;
        }
        var mediaType = context.Request.ContentType?.Split(';', 2)[0].Trim();
        if (!string.Equals(mediaType, ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            await FailAsync(context, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type must be {ProtobufContentType} (binary protobuf); got '{mediaType}'.");
            return;
        }
        var encoding = context.Request.Headers.ContentEncoding.ToString().Trim();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (encoding.Length > 0 && !gzip && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await FailAsync(context, StatusCodes.Status415UnsupportedMediaType, $"Content-Encoding '{encoding}' is not supported; use gzip or none.");
            return;
        }
        var max = options.MaxOtlpRequestBytes;
        if (context.Request.ContentLength > max)
        {
            await FailAsync(context, StatusCodes.Status413PayloadTooLarge, $"The body is larger than the {max}-byte limit.");
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = max;
        }

        byte[] body;
        try
        {
            body = await ReadBodyAsync(context.Request.Body, gzip, max, context.RequestAborted);
        }
        catch (BodyTooLargeException)
        {
            await FailAsync(context, StatusCodes.Status413PayloadTooLarge, $"The body is larger than the {max}-byte limit.");
            return;
        }
        catch (BadHttpRequestException e)
        {
            await FailAsync(context, e.StatusCode, e.Message);
            return;
        }
        catch (InvalidDataException e)
        {
            await FailAsync(context, StatusCodes.Status400BadRequest, "The gzip body is corrupt: " + e.Message);
            return;
        }

        TRequest request;
        try
        {
            request = parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            await FailAsync(context, StatusCodes.Status400BadRequest, "The body is not a valid OTLP protobuf message: " + e.Message);
            return;
        }

        var response = export(request);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ProtobufContentType;
        await context.Response.Body.WriteAsync(response.ToByteArray(), context.RequestAborted);
    }

    private static async Task<byte[]> ReadBodyAsync(Stream body, bool gzip, long max, CancellationToken cancellationToken)
    {
        await using var source = gzip ? new GZipStream(body, CompressionMode.Decompress, leaveOpen: true) : body;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw new BodyTooLargeException();
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task FailAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = ProtobufContentType;
        // google.rpc.Status carries a gRPC code: 3 INVALID_ARGUMENT, 16 UNAUTHENTICATED, 8 RESOURCE_EXHAUSTED.
        var code = statusCode switch
        {
            StatusCodes.Status401Unauthorized => 16,
            StatusCodes.Status413PayloadTooLarge => 8,
            _ => 3,
        };
        await context.Response.Body.WriteAsync(new RpcStatus { Code = code, Message = message }.ToByteArray(), context.RequestAborted);
    }

    private sealed class BodyTooLargeException : Exception;
}
