using System.Globalization;
using System.Text;
using ChatApp.Api.Services;
using Npgsql;
using NpgsqlTypes;

namespace ChatApp.Api.Reports;

public record DurationStats(int Count, double? MedianSeconds, double? P90Seconds);

/// <summary>CSAT: how many ratings, their average, and how many of each score (index 0 is 1 star).</summary>
public record CsatStats(int Count, double? Average, IReadOnlyList<int> Scores);

public record ConversationCounts(int Started, int Closed, int Offline);

public record DayCount(DateOnly Date, int Visitor, int Operator);

public record ReportSummaryDto(
    DateOnly From, DateOnly To, string TimeZone, Guid? OperatorId,
    ConversationCounts Conversations, DurationStats FirstResponse, DurationStats Resolution, CsatStats Csat,
    IReadOnlyList<DayCount> MessagesPerDay,
    // [weekday][hour]: Monday first, hours 0..23 local.
    IReadOnlyList<IReadOnlyList<int>> BusiestHours);

public record OperatorReportDto(
    Guid UserId, string DisplayName, bool IsActive, ConversationCounts Conversations,
    DurationStats FirstResponse, DurationStats Resolution, CsatStats Csat, int MessagesSent);

public record OperatorsReportDto(DateOnly From, DateOnly To, string TimeZone, IReadOnlyList<OperatorReportDto> Operators);

/// <summary>
/// What a support lead measures, over whole local days in a time zone. The definitions (also in PROTOCOL.md):
/// <list type="bullet">
/// <item>started / offline: conversations created in the period (offline: left while the team was away);
/// closed: conversations whose <c>closed_at</c> is in the period.</item>
/// <item>first response: for conversations started in the period, the time from the start to the first staff message
/// (median and 90th percentile, <c>percentile_cont</c>); those without a reply are not counted.</item>
/// <item>resolution: for conversations closed in the period, from the start to the close.</item>
/// <item>CSAT: ratings given in the period. Messages per day: visitor and staff messages, by local day.
/// Busiest hours: conversations started, by local weekday and hour.</item>
/// <item>Per operator (and with <c>operatorId</c>): the conversations assigned to the operator; messages sent: the
/// staff messages the operator wrote.</item>
/// </list>
/// Plain SQL over indexes (conversations by created_at, closed_at and rated_at; a BRIN index on messages.created_at;
/// the first reply by the (conversation_id, id) index): measured with bench/reports.sh at 1,000,000 messages.
/// </summary>
public class ReportService(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Reports read many rows on purpose (a year at most): they get longer than the API's usual statement timeout
    /// (<c>Database:CommandTimeoutSeconds</c>, meant to catch a stuck server on small queries).
    /// </summary>
    public const int CommandTimeoutSeconds = 60;

    // Which staff messages count as a reply or as a sent message: private notes do not.
    private const string StaffMessage = "m.sender_kind = 'Operator' AND NOT m.is_private";

    private static string FirstReply(string conversation) => $"""
        (SELECT m.created_at FROM messages m WHERE m.conversation_id = {conversation}.id AND {StaffMessage} ORDER BY m.id LIMIT 1)
        """;

    public async Task<ReportSummaryDto> SummaryAsync(ReportPeriod period, Guid? operatorId, CancellationToken ct = default)
    {
        var mine = operatorId is null ? "" : " AND c.assigned_user_id = $4";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection) { Timeout = CommandTimeoutSeconds };
        batch.BatchCommands.Add(BatchCommand($"""
            SELECT count(*) FILTER (WHERE c.created_at >= $1 AND c.created_at < $2),
                   count(*) FILTER (WHERE c.created_at >= $1 AND c.created_at < $2 AND c.is_offline_message),
                   count(*) FILTER (WHERE c.closed_at >= $1 AND c.closed_at < $2)
            FROM conversations c
            WHERE ((c.created_at >= $1 AND c.created_at < $2) OR (c.closed_at >= $1 AND c.closed_at < $2)){mine}
            """, period, operatorId));
        batch.BatchCommands.Add(BatchCommand($"""
            SELECT count(s), percentile_cont(0.5) WITHIN GROUP (ORDER BY s), percentile_cont(0.9) WITHIN GROUP (ORDER BY s)
            FROM (SELECT extract(epoch FROM {FirstReply("c")} - c.created_at)::float8 AS s
                  FROM conversations c WHERE c.created_at >= $1 AND c.created_at < $2{mine}) x
            """, period, operatorId));
        batch.BatchCommands.Add(BatchCommand($"""
            SELECT count(s), percentile_cont(0.5) WITHIN GROUP (ORDER BY s), percentile_cont(0.9) WITHIN GROUP (ORDER BY s)
            FROM (SELECT extract(epoch FROM c.closed_at - c.created_at)::float8 AS s
                  FROM conversations c WHERE c.closed_at >= $1 AND c.closed_at < $2{mine}) x
            """, period, operatorId));
        batch.BatchCommands.Add(BatchCommand($"""
            SELECT count(*), avg(c.rating_score)::float8,
                   count(*) FILTER (WHERE c.rating_score = 1), count(*) FILTER (WHERE c.rating_score = 2),
                   count(*) FILTER (WHERE c.rating_score = 3), count(*) FILTER (WHERE c.rating_score = 4),
                   count(*) FILTER (WHERE c.rating_score = 5)
            FROM conversations c WHERE c.rated_at >= $1 AND c.rated_at < $2{mine}
            """, period, operatorId));
        batch.BatchCommands.Add(BatchCommand($"""
            SELECT (m.created_at AT TIME ZONE $3)::date AS day,
                   count(*) FILTER (WHERE m.sender_kind = 'Visitor'), count(*) FILTER (WHERE {StaffMessage})
            FROM messages m
            WHERE m.created_at >= $1 AND m.created_at < $2
            {(operatorId is null ? "" : "AND m.conversation_id IN (SELECT c.id FROM conversations c WHERE c.assigned_user_id = $4)")}
            GROUP BY 1
            """, period, operatorId));
        batch.BatchCommands.Add(BatchCommand($"""
            SELECT extract(isodow FROM c.created_at AT TIME ZONE $3)::int, extract(hour FROM c.created_at AT TIME ZONE $3)::int, count(*)
            FROM conversations c WHERE c.created_at >= $1 AND c.created_at < $2{mine}
            GROUP BY 1, 2
            """, period, operatorId));

        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var counts = new ConversationCounts(Int(reader, 0), Int(reader, 2), Int(reader, 1));
        var firstResponse = await NextDurationAsync(reader, ct);
        var resolution = await NextDurationAsync(reader, ct);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var csat = Csat(reader, 0);

        await reader.NextResultAsync(ct);
        var days = new Dictionary<DateOnly, DayCount>();
        while (await reader.ReadAsync(ct))
        {
            var day = DateOnly.FromDateTime(reader.GetDateTime(0));
            days[day] = new DayCount(day, Int(reader, 1), Int(reader, 2));
        }
        var perDay = Enumerable.Range(0, period.Days).Select(i => period.From.AddDays(i))
            .Select(d => days.GetValueOrDefault(d) ?? new DayCount(d, 0, 0)).ToList();

        await reader.NextResultAsync(ct);
        var hours = Enumerable.Range(0, 7).Select(_ => new int[24]).ToArray();
        while (await reader.ReadAsync(ct))
        {
            hours[reader.GetInt32(0) - 1][reader.GetInt32(1)] = Int(reader, 2);
        }
        return new ReportSummaryDto(period.From, period.To, period.TimeZone, operatorId, counts, firstResponse, resolution, csat,
            perDay, hours);
    }

    public async Task<OperatorsReportDto> OperatorsAsync(ReportPeriod period, CancellationToken ct = default)
    {
        await using var command = Command($"""
            WITH started AS (
                SELECT c.assigned_user_id AS uid, count(*) AS n, count(*) FILTER (WHERE c.is_offline_message) AS offline,
                       count(f.s) AS fr_n, percentile_cont(0.5) WITHIN GROUP (ORDER BY f.s) AS fr_p50,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY f.s) AS fr_p90
                FROM conversations c
                CROSS JOIN LATERAL (SELECT extract(epoch FROM {FirstReply("c")} - c.created_at)::float8 AS s) f
                WHERE c.created_at >= $1 AND c.created_at < $2 AND c.assigned_user_id IS NOT NULL
                GROUP BY 1
            ), closed AS (
                SELECT c.assigned_user_id AS uid, count(*) AS n,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.closed_at - c.created_at)) AS p50,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM c.closed_at - c.created_at)) AS p90
                FROM conversations c
                WHERE c.closed_at >= $1 AND c.closed_at < $2 AND c.assigned_user_id IS NOT NULL
                GROUP BY 1
            ), rated AS (
                SELECT c.assigned_user_id AS uid, count(*) AS n, avg(c.rating_score)::float8 AS average,
                       count(*) FILTER (WHERE c.rating_score = 1) AS s1, count(*) FILTER (WHERE c.rating_score = 2) AS s2,
                       count(*) FILTER (WHERE c.rating_score = 3) AS s3, count(*) FILTER (WHERE c.rating_score = 4) AS s4,
                       count(*) FILTER (WHERE c.rating_score = 5) AS s5
                FROM conversations c
                WHERE c.rated_at >= $1 AND c.rated_at < $2 AND c.assigned_user_id IS NOT NULL
                GROUP BY 1
            ), sent AS (
                SELECT m.sender_user_id AS uid, count(*) AS n
                FROM messages m
                WHERE m.created_at >= $1 AND m.created_at < $2 AND {StaffMessage} AND m.sender_user_id IS NOT NULL
                GROUP BY 1
            )
            SELECT u.id, u.display_name, u.is_active,
                   coalesce(s.n, 0), coalesce(cl.n, 0), coalesce(s.offline, 0),
                   coalesce(s.fr_n, 0), s.fr_p50::float8, s.fr_p90::float8,
                   coalesce(cl.n, 0), cl.p50::float8, cl.p90::float8,
                   coalesce(r.n, 0), r.average, coalesce(r.s1, 0), coalesce(r.s2, 0), coalesce(r.s3, 0), coalesce(r.s4, 0), coalesce(r.s5, 0),
                   coalesce(se.n, 0)
            FROM users u
            LEFT JOIN started s ON s.uid = u.id
            LEFT JOIN closed cl ON cl.uid = u.id
            LEFT JOIN rated r ON r.uid = u.id
            LEFT JOIN sent se ON se.uid = u.id
            WHERE u.is_active OR s.uid IS NOT NULL OR cl.uid IS NOT NULL OR r.uid IS NOT NULL OR se.uid IS NOT NULL
            ORDER BY u.display_name, u.id
            """, period, null);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        command.Connection = connection;
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<OperatorReportDto>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new OperatorReportDto(
                reader.GetGuid(0), reader.GetString(1), reader.GetBoolean(2),
                new ConversationCounts(Int(reader, 3), Int(reader, 4), Int(reader, 5)),
                Duration(reader, 6), Duration(reader, 9), Csat(reader, 12), Int(reader, 19)));
        }
        return new OperatorsReportDto(period.From, period.To, period.TimeZone, rows);
    }

    /// <summary>
    /// The conversations started in the period as CSV (RFC 4180, UTF-8), oldest first, times in the period's time zone.
    /// Text cells that a spreadsheet would run as a formula (starting with = + - @) get a leading apostrophe.
    /// </summary>
    public async Task WriteConversationsCsvAsync(ReportPeriod period, Guid? operatorId, Stream output, CancellationToken ct = default)
    {
        await using var command = Command($"""
            SELECT c.id, c.created_at, c.closed_at, c.status, c.visitor_name, c.visitor_email, c.assigned_user_id, u.display_name,
                   c.is_offline_message, extract(epoch FROM f.at - c.created_at)::float8, extract(epoch FROM c.closed_at - c.created_at)::float8,
                   c.rating_score, c.rating_comment, c.page_url,
                   (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND NOT m.is_private)
            FROM conversations c
            LEFT JOIN users u ON u.id = c.assigned_user_id
            CROSS JOIN LATERAL (SELECT {FirstReply("c")} AS at) f
            WHERE c.created_at >= $1 AND c.created_at < $2{(operatorId is null ? "" : " AND c.assigned_user_id = $4")}
            ORDER BY c.created_at, c.id
            """, period, operatorId);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        command.Connection = connection;
        await using var reader = await command.ExecuteReaderAsync(ct);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(
            "id,started_at,closed_at,status,visitor_name,visitor_email,assignee_id,assignee,offline_message," +
            "first_response_seconds,resolution_seconds,rating,rating_comment,page_url,messages\r\n");
        var line = new StringBuilder();
        while (await reader.ReadAsync(ct))
        {
            line.Clear();
            line.Append(reader.GetGuid(0)).Append(',')
                .Append(Local(reader.GetFieldValue<DateTimeOffset>(1), period)).Append(',')
                .Append(reader.IsDBNull(2) ? "" : Local(reader.GetFieldValue<DateTimeOffset>(2), period)).Append(',')
                .Append(reader.GetString(3)).Append(',')
                .Append(Cell(reader, 4)).Append(',')
                .Append(Cell(reader, 5)).Append(',')
                .Append(reader.IsDBNull(6) ? "" : reader.GetGuid(6).ToString()).Append(',')
                .Append(Cell(reader, 7)).Append(',')
                .Append(reader.GetBoolean(8) ? "true" : "false").Append(',')
                .Append(Number(reader, 9)).Append(',')
                .Append(Number(reader, 10)).Append(',')
                .Append(reader.IsDBNull(11) ? "" : reader.GetInt32(11).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(reader, 12)).Append(',')
                .Append(Cell(reader, 13)).Append(',')
                .Append(reader.GetInt64(14).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            await writer.WriteAsync(line, ct);
        }
    }

    private static string Local(DateTimeOffset utc, ReportPeriod period) =>
        TimeZoneInfo.ConvertTime(utc, period.Zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Number(NpgsqlDataReader reader, int i) =>
        reader.IsDBNull(i) ? "" : Math.Round(reader.GetDouble(i), 3).ToString(CultureInfo.InvariantCulture);

    /// <summary>A text cell: quoted when needed, and never read as a formula by a spreadsheet.</summary>
    public static string CsvCell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    private static string Cell(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? "" : CsvCell(reader.GetString(i));

    private static NpgsqlBatchCommand BatchCommand(string sql, ReportPeriod period, Guid? operatorId)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in Parameters(period, operatorId))
        {
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static NpgsqlCommand Command(string sql, ReportPeriod period, Guid? operatorId)
    {
        var command = new NpgsqlCommand(sql) { CommandTimeout = CommandTimeoutSeconds };
        foreach (var parameter in Parameters(period, operatorId))
        {
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static IEnumerable<NpgsqlParameter> Parameters(ReportPeriod period, Guid? operatorId)
    {
        yield return new NpgsqlParameter { Value = period.Start, NpgsqlDbType = NpgsqlDbType.TimestampTz };
        yield return new NpgsqlParameter { Value = period.End, NpgsqlDbType = NpgsqlDbType.TimestampTz };
        yield return new NpgsqlParameter { Value = period.TimeZone, NpgsqlDbType = NpgsqlDbType.Text };
        if (operatorId is { } id)
        {
            yield return new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Uuid };
        }
    }

    private static async Task<DurationStats> NextDurationAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return Duration(reader, 0);
    }

    private static DurationStats Duration(NpgsqlDataReader reader, int i) => new(
        Int(reader, i), reader.IsDBNull(i + 1) ? null : Round(reader.GetDouble(i + 1)), reader.IsDBNull(i + 2) ? null : Round(reader.GetDouble(i + 2)));

    private static CsatStats Csat(NpgsqlDataReader reader, int i) => new(
        Int(reader, i), reader.IsDBNull(i + 1) ? null : Math.Round(reader.GetDouble(i + 1), 2),
        [Int(reader, i + 2), Int(reader, i + 3), Int(reader, i + 4), Int(reader, i + 5), Int(reader, i + 6)]);

    private static double Round(double seconds) => Math.Round(seconds, 1);

    private static int Int(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? 0 : (int)reader.GetInt64(i);
}
