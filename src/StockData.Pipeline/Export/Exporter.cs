using System.Collections.Concurrent;
using System.Globalization;
using StockData.Core;
using StockData.Storage.Postgres.Export;

namespace StockData.Pipeline.Export;

/// <summary>What an export did: files written and left as they were (their manifest entry matched), rows, bytes.</summary>
internal sealed record ExportSummary(int Written, int Unchanged, long Rows, long Bytes, string ManifestPath);

/// <summary>
/// Runs <c>stockdata export</c>: plans one file per symbol (or trade year) plus the events and symbol metadata files,
/// skips each whose manifest entry still matches both the store (<see cref="SourceStamp"/>) and the file on disk,
/// writes the others a row group at a time under temporary names, and keeps the manifest current as it goes so a
/// killed run resumes where it stopped.
/// </summary>
internal sealed class Exporter(BarExportReader bars, CatalogExportReader catalog, TimeProvider time)
{
    /// <summary>The manifest is rewritten at most this often while files are written (and once at the end).</summary>
    private static readonly TimeSpan ManifestEvery = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Files written at the same time, each on its own connection: one file's rows go through the database, the wire,
    /// the decoder and the encoder in turn, and with two in flight one's round trips and waits overlap the other's work.
    /// </summary>
    private const int FilesAtOnce = 2;

    private readonly ConcurrentBag<ExportTables.Bars> _bars = [];

    public async Task<ExportSummary> RunAsync(ExportRequest request, ExportProgress progress, CancellationToken cancellationToken)
    {
        var directory = ExportDirectory.Open(request);
        var symbols = await ResolveSymbolsAsync(request, cancellationToken);
        var scope = new ExportScope(symbols, request.Interval, request.From, request.To, request.AsOf);
        var adjustment = await BarAdjustment.LoadAsync(request.Adjust, bars, scope, cancellationToken);
        var plan = await PlanAsync(request, scope, directory, cancellationToken);
        progress.Start(plan.Count);
        directory.RemovePartials();

        var previous = directory.Previous?.Files.ToDictionary(f => f.Path, StringComparer.Ordinal) ?? [];
        var done = new List<ManifestFile>();
        var parameters = request.ToParameters();
        var lastSave = time.GetTimestamp();
        int written = 0, unchanged = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = FilesAtOnce, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(plan, options, async (file, token) =>
        {
            var kept = previous.TryGetValue(file.Path, out var entry) && entry.Source == file.Source && await directory.MatchesAsync(entry, token);
            var result = kept ? entry! : await WriteAsync(directory, request, scope, adjustment, file, progress, token);
            lock (done)
            {
                // A bars file planned without stamps whose symbols turned out to have no rows in the scope: no file.
                if (result is not null)
                {
                    done.Add(result);
                }

                if (kept)
                {
                    unchanged++;
                }
                else
                {
                    written++;
                }

                progress.FileDone();
                if (!kept && time.GetElapsedTime(lastSave) >= ManifestEvery)
                {
                    directory.SaveManifest(Manifest(parameters, done, previous.Values, complete: false));
                    lastSave = time.GetTimestamp();
                }
            }
        });

        // Files of an earlier run of the same request that this one no longer plans (their source has no rows now).
        var planned = plan.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in previous.Keys.Where(p => !planned.Contains(p)))
        {
            File.Delete(directory.FullPath(stale));
        }

        var manifest = Manifest(parameters, done, [], complete: true);
        directory.SaveManifest(manifest);
        progress.Finish();
        return new ExportSummary(written, unchanged, manifest.Rows, manifest.Files.Sum(f => f.Bytes), Path.Combine(directory.Root, ExportManifest.FileName));
    }

    private async Task<IReadOnlyList<string>> ResolveSymbolsAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        if (request.All)
        {
            return await catalog.AllSymbolsAsync(cancellationToken);
        }

        var unknown = await catalog.UnknownAsync(request.Symbols!, cancellationToken);
        return unknown.Count == 0
            ? request.Symbols!
            : throw new ExportRequestException("--symbols",
                $"unknown symbol{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Take(5))}{(unknown.Count > 5 ? $" and {unknown.Count - 5} more" : "")} (not in the store)");
    }

    private async Task<List<PlannedFile>> PlanAsync(ExportRequest request, ExportScope scope, ExportDirectory directory, CancellationToken cancellationToken)
    {
        var ext = request.Extension;
        var plan = new List<PlannedFile>();
        if (StampsWhileWriting(request, directory))
        {
            // Nothing to compare with, so no stamp is needed before a file is written: each bars file's source is what
            // its own read counted (rows, last write), and a symbol without rows in the scope makes no file.
            foreach (var group in scope.Symbols.GroupBy(SafeName, StringComparer.Ordinal))
            {
                plan.Add(new PlannedFile($"bars/{request.Interval.Token}/{group.Key}.{ext}", "bars", null,
                    group.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(), null));
            }

            await PlanTablesAsync(plan, scope, ext, cancellationToken);
            return plan;
        }

        var stamps = await bars.ReadStampsAsync(scope, cancellationToken);
        // An adjusted file also depends on the events (of every date: a later split or dividend changes earlier
        // prices) and on the adjustment itself, so both go into its source: a rerun with another --adjust, or after
        // an event arrived, rewrites the bars files instead of keeping them.
        var adjusted = "";
        if (request.Adjust != "none")
        {
            var events = await catalog.EventStampAsync(scope with { From = null, To = null }, cancellationToken);
            adjusted = $";adjust={request.Adjust};{Source(events.Rows, events.LastWrite).Replace("rows=", "event_rows=", StringComparison.Ordinal).Replace("last_write=", "event_last_write=", StringComparison.Ordinal)}";
        }

        var groups = request.Partition == ExportPartition.Year
            ? stamps.GroupBy(s => s.Year.ToString(CultureInfo.InvariantCulture))
            : stamps.GroupBy(s => SafeName(s.Symbol));
        foreach (var group in groups)
        {
            var members = group.ToList();
            int? year = request.Partition == ExportPartition.Year ? members[0].Year : null;
            var symbols = members.Select(s => s.Symbol).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            plan.Add(new PlannedFile($"bars/{request.Interval.Token}/{group.Key}.{ext}", "bars",
                Source(members.Sum(s => s.Rows), members.Max(s => s.LastWrite)) + adjusted, symbols, year));
        }

        await PlanTablesAsync(plan, scope, ext, cancellationToken);
        return plan;
    }

    /// <summary>
    /// Whether each bars file is stamped from its own read instead of a pass over every bar of the scope before the
    /// first file (<see cref="BarExportReader.ReadStampsAsync"/>: about as long as a COPY of the rows themselves). Only
    /// when no earlier manifest needs comparing, the files are per symbol (year files need the years first), the
    /// read is of the current rows (an <c>as_of</c> read's rows are not what the stamp counts) and unadjusted (the
    /// adjusted read takes the row-at-a-time path).
    /// </summary>
    private static bool StampsWhileWriting(ExportRequest request, ExportDirectory directory) =>
        directory.Previous is not { Files.Count: > 0 } && request.Partition == ExportPartition.Symbol && request.AsOf is null && request.Adjust == "none";

    /// <summary>The events and symbol metadata files, then the plan in path order.</summary>
    private async Task PlanTablesAsync(List<PlannedFile> plan, ExportScope scope, string ext, CancellationToken cancellationToken)
    {
        var eventStamp = await catalog.EventStampAsync(scope, cancellationToken);
        plan.Add(new PlannedFile($"events.{ext}", "events", Source(eventStamp.Rows, eventStamp.LastWrite), [], null));
        var metadata = await catalog.SymbolStampAsync(scope, cancellationToken);
        plan.Add(new PlannedFile($"symbols.{ext}", "symbols", Source(metadata.Rows, metadata.LastWrite), [], null));
        plan.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
    }

    private async Task<ManifestFile?> WriteAsync(ExportDirectory directory, ExportRequest request, ExportScope scope, BarAdjustment adjustment, PlannedFile file,
        ExportProgress progress, CancellationToken cancellationToken)
    {
        var path = directory.FullPath(file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + ExportDirectory.PartialSuffix;
        ExportedRows read;
        await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16))
        {
            read = file.Kind switch
            {
                "bars" => await WriteBarsAsync(request, scope, adjustment, file, stream, progress, cancellationToken),
                "events" => new ExportedRows(await WriteEventsAsync(request, scope, stream, cancellationToken), null),
                _ => new ExportedRows(await WriteSymbolsAsync(request, scope, stream, cancellationToken), null),
            };
            // No fsync per file: a killed process loses nothing the kernel holds, and after a power cut the rerun
            // checks each file's size and SHA-256 against the manifest before it trusts it.
            await stream.FlushAsync(cancellationToken);
        }

        if (file.Source is null && read.Rows == 0)
        {
            File.Delete(partial);
            return null;
        }

        var sha = await ExportDirectory.Sha256Async(partial, cancellationToken);
        var bytes = new FileInfo(partial).Length;
        File.Move(partial, path, overwrite: true);
        return new ManifestFile(file.Path, file.Kind, read.Rows, bytes, sha, file.Source ?? Source(read.Rows, read.LastWrite));
    }

    private async Task<ExportedRows> WriteBarsAsync(ExportRequest request, ExportScope scope, BarAdjustment adjustment, PlannedFile file, Stream stream,
        ExportProgress progress, CancellationToken cancellationToken)
    {
        // One set of buffers per file in flight, reused by the next file: they are 6 MB of large-object-heap arrays,
        // and allocating them per file made a 500-file export spend most of its time zeroing and collecting them.
        var table = _bars.TryTake(out var free) ? free : new ExportTables.Bars();
        try
        {
            table.Table.Count = 0;
            return await WriteBarsAsync(table, request, scope, adjustment, file, stream, progress, cancellationToken);
        }
        finally
        {
            _bars.Add(table);
        }
    }

    private async Task<ExportedRows> WriteBarsAsync(ExportTables.Bars table, ExportRequest request, ExportScope scope, BarAdjustment adjustment,
        PlannedFile file, Stream stream, ExportProgress progress, CancellationToken cancellationToken)
    {
        await using var writer = await ExportFileWriter.CreateAsync(request.Format, table.Table, stream, cancellationToken);
        if (adjustment.Adjustment == PriceAdjustment.None)
        {
            // Straight from the reader's typed getters into the column buffers: no row objects, no batches between
            // threads (two files are written at once, so decoding one overlaps encoding the other).
            var sink = new ExportTables.BarsSink(table, writer, request.Interval.Token, progress);
            var read = await bars.CopyAsync(scope, file.Symbols, file.Year, sink, cancellationToken);
            await sink.FlushAsync(cancellationToken);
            return read;
        }

        long rows = 0;
        var source = bars.ReadAsync(scope, file.Symbols, file.Year, adjustment.NeedsWriteTimes(file.Symbols), cancellationToken);
        await foreach (var batch in ReadAhead.BatchesAsync(adjustment.Apply(source, cancellationToken), cancellationToken))
        {
            foreach (var row in batch)
            {
                table.Add(row, request.Interval.Token);
                if (table.Table.IsFull)
                {
                    await writer.FlushAsync(cancellationToken);
                    progress.Rows(ExportTable.RowGroupRows);
                }
            }

            rows += batch.Count;
        }

        progress.Rows(table.Table.Count);
        await writer.FlushAsync(cancellationToken);
        return new ExportedRows(rows, null);
    }

    private Task<long> WriteEventsAsync(ExportRequest request, ExportScope scope, Stream stream, CancellationToken cancellationToken)
    {
        var table = new ExportTables.Events();
        return WriteTableAsync<ExportEvent>(request, table.Table, e => table.Add(e), catalog.ReadEventsAsync(scope, cancellationToken), stream, cancellationToken);
    }

    private Task<long> WriteSymbolsAsync(ExportRequest request, ExportScope scope, Stream stream, CancellationToken cancellationToken)
    {
        var table = new ExportTables.Symbols();
        return WriteTableAsync(request, table.Table, table.Add, catalog.ReadSymbolsAsync(scope, cancellationToken), stream, cancellationToken);
    }

    /// <summary>A small table (events, symbols) into one file, a row group whenever the table fills.</summary>
    private static async Task<long> WriteTableAsync<T>(ExportRequest request, ExportTable table, Action<T> add, IAsyncEnumerable<T> source,
        Stream stream, CancellationToken cancellationToken)
    {
        long rows = 0;
        await using var writer = await ExportFileWriter.CreateAsync(request.Format, table, stream, cancellationToken);
        await foreach (var row in source.WithCancellation(cancellationToken))
        {
            add(row);
            rows++;
            if (table.IsFull)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        await writer.FlushAsync(cancellationToken);
        return rows;
    }

    private static ExportManifest Manifest(ManifestParameters parameters, List<ManifestFile> done, IEnumerable<ManifestFile> carried, bool complete)
    {
        // While running, entries of the previous run not reached yet stay listed: a second kill must not forget them.
        var files = done.Concat(carried.Where(c => !done.Exists(d => d.Path == c.Path)))
            .OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        return new ExportManifest(ExportManifest.FormatName, parameters, complete, files.Sum(f => f.Rows), files);
    }

    private static string Source(long rows, DateTimeOffset? lastWrite) => string.Create(CultureInfo.InvariantCulture,
        $"rows={rows};last_write={lastWrite?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) ?? "none"}");

    /// <summary>A symbol as a file name: characters other than letters, digits and <c>.-^=_</c> become <c>_</c>.</summary>
    internal static string SafeName(string symbol) =>
        string.Concat(symbol.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '^' or '=' or '_' ? c : '_'));

    /// <param name="Source">What the file is made from (<see cref="SourceStamp"/> totals); null when stamped from its own read.</param>
    private sealed record PlannedFile(string Path, string Kind, string? Source, string[] Symbols, int? Year);
}
