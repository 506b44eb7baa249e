using StockData.Hosting;
using StockData.Pipeline.Cli;
using StockData.Pipeline.Quality;

// Every verb's host validates the data-quality options too (the quality verbs and the daemon's scan read them).
StockDataHost.ExecutableAreas = builder => builder.AddStockDataQuality();
return await StockDataCli.InvokeAsync(args);
