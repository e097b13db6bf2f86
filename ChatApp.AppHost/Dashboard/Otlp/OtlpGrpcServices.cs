using ChatApp.AppHost.Dashboard.Otlp.Proto.Collector.Logs;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Collector.Metrics;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Collector.Trace;
using Grpc.Core;

namespace ChatApp.AppHost.Dashboard.Otlp;

// OTLP/gRPC: the same conversion as OTLP/HTTP behind the collector services. Size is capped by the gRPC server's
// MaxReceiveMessageSize (RESOURCE_EXHAUSTED); a message that does not parse gets INTERNAL from the gRPC runtime.

internal sealed class OtlpGrpcTraceService(OtlpConverter converter, DashboardOptions options) : TraceService.TraceServiceBase
{
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        OtlpGrpcAuth.Check(options, context);
        var result = converter.Export(request);
        return Task.FromResult(new ExportTraceServiceResponse
        {
            PartialSuccess = result.Rejected == 0 ? null
                : new ExportTracePartialSuccess { RejectedSpans = result.Rejected, ErrorMessage = result.RejectionReason ?? "" },
        });
    }
}

internal sealed class OtlpGrpcLogsService(OtlpConverter converter, DashboardOptions options) : LogsService.LogsServiceBase
{
    public override Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        OtlpGrpcAuth.Check(options, context);
        var result = converter.Export(request);
        return Task.FromResult(new ExportLogsServiceResponse
        {
            PartialSuccess = result.Rejected == 0 ? null
                : new ExportLogsPartialSuccess { RejectedLogRecords = result.Rejected, ErrorMessage = result.RejectionReason ?? "" },
        });
    }
}

internal sealed class OtlpGrpcMetricsService(OtlpConverter converter, DashboardOptions options) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        OtlpGrpcAuth.Check(options, context);
        converter.Export(request);
        return Task.FromResult(new ExportMetricsServiceResponse());
    }
}

internal static class OtlpGrpcAuth
{
    public static void Check(DashboardOptions options, ServerCallContext context)
    {
        if (!OtlpHttpReceiver.IsValidApiKey(options.OtlpApiKey, context.RequestHeaders.GetValue(OtlpHttpReceiver.ApiKeyHeader)))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"Missing or wrong {OtlpHttpReceiver.ApiKeyHeader} header."));
        }
    }
}
