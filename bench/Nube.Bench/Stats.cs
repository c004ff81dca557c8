namespace Nube.Bench;

/// <summary>Summary of one series of durations, in milliseconds.</summary>
public sealed record Stats(int Count, double Median, double Mean, double Min, double Max, double P90, double StdDev)
{
    public static Stats Of(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0)
            return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var mid = v.Length / 2;
        var median = v.Length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
        // Nearest rank: the smallest value with at least 90 % of the series at or below it.
        var p90 = v[(int)Math.Ceiling(0.9 * v.Length) - 1];
        var mean = v.Average();
        var sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return new Stats(v.Length, median, mean, v[0], v[^1], p90, sd);
    }
}
