using System.Globalization;

namespace StockData.Pipeline.Export;

/// <summary>
/// The export's progress on standard error, rewritten in place at most twice a second, only on a terminal (a log
/// file would fill with carriage returns). Files count as done whether written or left unchanged.
/// </summary>
internal sealed class ExportProgress(TimeProvider time, bool enabled)
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);
    private int _files;
    private int _done;
    private long _rows;
    private long _lastDraw;
    private long _started;
    private readonly Lock _gate = new();

    public static ExportProgress ForConsole(TimeProvider time) => new(time, !Console.IsErrorRedirected);

    public void Start(int files)
    {
        _files = files;
        _started = time.GetTimestamp();
        Draw(force: true);
    }

    public void Rows(long rows)
    {
        Interlocked.Add(ref _rows, rows);
        Draw(force: false);
    }

    public void FileDone()
    {
        Interlocked.Increment(ref _done);
        Draw(force: false);
    }

    public void Finish()
    {
        Draw(force: true);
        if (enabled)
        {
            Console.Error.WriteLine();
        }
    }

    private void Draw(bool force)
    {
        if (!enabled)
        {
            return;
        }

        lock (_gate)
        {
            DrawLocked(force);
        }
    }

    private void DrawLocked(bool force)
    {
        if (!force && time.GetElapsedTime(_lastDraw) < Every)
        {
            return;
        }

        _lastDraw = time.GetTimestamp();
        var seconds = Math.Max(time.GetElapsedTime(_started).TotalSeconds, 0.001);
        Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
            $"\rexport: {_done}/{_files} files, {_rows:N0} rows, {_rows / seconds:N0} rows/s   "));
    }
}
