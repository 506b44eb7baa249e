// The Yahoo adapter: HTTP client, chart parser (rules R1–R14) and symbol validation live here.
[assembly: System.CLSCompliant(false)]
