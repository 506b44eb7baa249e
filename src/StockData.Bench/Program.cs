using StockData.Bench.Cli;

return await BenchCli.InvokeAsync(args);
