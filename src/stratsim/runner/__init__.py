"""Running replications and turning their KPI records into statistics and result files."""
