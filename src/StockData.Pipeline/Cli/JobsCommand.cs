using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockData.Core;
using StockData.Diagnostics;
using StockData.Hosting;
using StockData.Pipeline.Jobs;
using StockData.Ingest.Sources;
using StockData.Pipeline.Output;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Jobs;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata jobs submit|list|show|cancel</c>: fetch jobs that running workers pick up item by item. <c>show</c> and
/// <c>submit</c> print the same JSON as <c>GET /jobs/{id}</c>.
/// </summary>
internal static class JobsCommand
{
    public static Command Create()
    {
        var command = new Command("jobs", "Submit and follow fetch jobs (worked through by stockdata run).");
        command.Subcommands.Add(CreateSubmit());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateShow());
        command.Subcommands.Add(CreateCancel());
        return command;
    }

    private static Command CreateSubmit()
    {
        var targets = new Argument<string[]>("file-or-symbols")
        {
            Description = "A symbol file in replay's formats ('-' for stdin), or one or more symbols.",
            Arity = ArgumentArity.OneOrMore,
        };
        var interval = SymbolsCommand.Validated(new Option<string>("--interval") { Description = "Interval (for file lines that name none).", DefaultValueFactory = _ => "1d" });
        var from = new Option<string?>("--from") { Description = "Fetch from this date (ISO-8601) instead of the watermark." };
        var to = new Option<string?>("--to") { Description = "Fetch up to this date (ISO-8601; default now)." };
        var priority = new Option<string>("--priority") { Description = "high (ahead of the scheduled backlog) or normal.", DefaultValueFactory = _ => "normal" };
        priority.AcceptOnlyFromAmong("high", "normal");
        var command = new Command("submit", "Record a fetch job; running workers pick its items up.") { targets, interval, from, to, priority };
        command.SetAction((parse, ct) =>
        {
            var args = parse.GetValue(targets)!;
            var (spec, error) = JobRequests.Defaults(parse.GetValue(interval), parse.GetValue(from), parse.GetValue(to), parse.GetValue(priority));
            if (spec is null)
            {
                Console.Error.WriteLine($"stockdata: --{error!.Parameter}: {error.Message}");
                return Task.FromResult(ExitCodes.Usage);
            }

            var fromFile = args.Length == 1 && (args[0] == "-" || File.Exists(args[0]));
            JobSubmission? submission = null;
            if (!fromFile)
            {
                var (fromSymbols, symbolError) = JobRequests.FromSymbols(args, spec.Interval, parse.GetValue(from), parse.GetValue(to),
                    parse.GetValue(priority));
                if (fromSymbols is null)
                {
                    Console.Error.WriteLine($"stockdata: {symbolError!.Message}");
                    return Task.FromResult(ExitCodes.Usage);
                }

                submission = fromSymbols;
            }

            return StockDataVerb.RunAsync(async (host, token) =>
            {
                var rejected = 0;
                if (submission is null)
                {
                    (submission, rejected) = await ReadFileAsync(args[0], spec, token);
                    if (submission.Items.Count == 0)
                    {
                        await Console.Error.WriteLineAsync("stockdata: the file holds no valid symbol: no job recorded");
                        return ExitCodes.Usage;
                    }
                }

                var services = host.Services;
                await services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
                var jobs = services.GetRequiredService<JobStore>();
                var id = await jobs.CreateAsync(submission.Spec, submission.Items, token);
                PipelineLog.JobSubmitted(services.GetRequiredService<ILogger<JobStore>>(), id, submission.Items.Count, spec.Priority.ToName());
                Console.WriteLine(JobJson.ToIndentedString((await jobs.GetAsync(id, token))!));
                return rejected > 0 ? ExitCodes.Failed : ExitCodes.Ok;
            }, ct, StandardErrorLogging.Configure);
        });
        return command;
    }

    private static async Task<(JobSubmission Submission, int Rejected)> ReadFileAsync(string path, JobSpec spec, CancellationToken token)
    {
        var items = new List<NewJobItem>();
        var rejected = 0;
        await using var input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
        await foreach (var line in SymbolFileReader.ReadAsync(input, path == "-" ? "stdin" : path, BarInterval.Parse(spec.Interval), spec.From,
                           spec.To, YahooSymbol.Problem, token))
        {
            if (line.Error is not null)
            {
                rejected++;
                await Console.Error.WriteLineAsync(line.ToString());
                continue;
            }

            var request = line.Request!;
            items.Add(new NewJobItem(request.Symbol, request.Interval.Token, request.From, request.To));
        }

        return (new JobSubmission(spec, items), rejected);
    }

    private static Command CreateList()
    {
        var status = new Option<string?>("--status") { Description = "Only jobs of this status." };
        status.AcceptOnlyFromAmong(JobJson.Statuses);
        var limit = new Option<int>("--limit") { Description = "How many jobs, newest first.", DefaultValueFactory = _ => 20 };
        limit.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > JobJson.MaxListLimit) { r.AddError($"--limit must be 1-{JobJson.MaxListLimit}."); } });
        var command = new Command("list", "List recent jobs with their progress.") { status, limit };
        command.SetAction((parse, ct) => StockDataVerb.RunAsync(async (host, token) =>
        {
            await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
            var jobs = await host.Services.GetRequiredService<JobStore>().ListAsync(parse.GetValue(status), parse.GetValue(limit), token);
            var table = new TextTable(new TextColumn("ID", 8, AlignRight: true), new TextColumn("STATUS", 9), new TextColumn("PRIORITY", 8),
                new TextColumn("INTERVAL", 8), new TextColumn("PROGRESS", 13), new TextColumn("FAILED", 6, AlignRight: true), new TextColumn("CREATED (UTC)"));
            foreach (var job in jobs)
            {
                var inv = CultureInfo.InvariantCulture;
                table.Add(job.Id.ToString(inv), job.Status, job.Priority.ToName(), job.Interval, string.Create(inv, $"{job.Finished}/{job.Total}"),
                    job.Count("failed").ToString(inv), job.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", inv));
            }

            table.Print();
            return ExitCodes.Ok;
        }, ct, StandardErrorLogging.Configure));
        return command;
    }

    private static Command CreateShow()
    {
        var id = new Argument<long>("id") { Description = "The job id." };
        var command = new Command("show", "Print a job as JSON: status, progress (finished/total), items by status, failures by category.") { id };
        command.SetAction((parse, ct) => StockDataVerb.RunAsync(async (host, token) =>
        {
            await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
            var job = await host.Services.GetRequiredService<JobStore>().GetAsync(parse.GetValue(id), token);
            if (job is null)
            {
                await Console.Error.WriteLineAsync($"stockdata: no such job: {parse.GetValue(id)}");
                return ExitCodes.Failed;
            }

            Console.WriteLine(JobJson.ToIndentedString(job));
            return ExitCodes.Ok;
        }, ct, StandardErrorLogging.Configure));
        return command;
    }

    private static Command CreateCancel()
    {
        var id = new Argument<long>("id") { Description = "The job id." };
        var command = new Command("cancel", "Cancel a pending or running job: items not started are dropped, the ones in flight finish.") { id };
        command.SetAction((parse, ct) => StockDataVerb.RunAsync(async (host, token) =>
        {
            var services = host.Services;
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
            var jobs = services.GetRequiredService<JobStore>();
            var jobId = parse.GetValue(id);
            var outcome = await jobs.CancelAsync(jobId, services.GetRequiredService<TimeProvider>().GetUtcNow(), token);
            switch (outcome)
            {
                case CancelOutcome.NotFound:
                    await Console.Error.WriteLineAsync($"stockdata: no such job: {jobId}");
                    return ExitCodes.Failed;
                case CancelOutcome.AlreadyFinished:
                    var finished = await jobs.GetAsync(jobId, token);
                    await Console.Error.WriteLineAsync($"stockdata: job {jobId} has already finished ({finished?.Status})");
                    return ExitCodes.Failed;
                default:
                    var cancelled = (await jobs.GetAsync(jobId, token))!;
                    PipelineLog.JobCancelled(services.GetRequiredService<ILogger<JobStore>>(), jobId, cancelled.Count("cancelled"));
                    Console.WriteLine(JobJson.ToIndentedString(cancelled));
                    return ExitCodes.Ok;
            }
        }, ct, StandardErrorLogging.Configure));
        return command;
    }
}
