package io.loom.benchmarks.e2e;

/**
 * One measured run of one {@link Variant}.
 *
 * @param variant what was run
 * @param round which repetition (0-based; negative for warm-up rounds)
 * @param rows rows in the table at the end (checked to equal the messages)
 * @param seconds from the first poll (or the start of the COPY) to the last row committed
 * @param jvmCpuNanos CPU time of the whole JVM (in-process broker included) over the run
 * @param loomThreadsCpuNanos of that, the CPU time of Loom's own threads (the poll loop and the writers);
 *     0 for variants that do not run Loom
 * @param postgresCpuNanos CPU time of the PostgreSQL processes over the run, -1 if unknown
 * @param jvmPeakRssBytes the JVM's peak resident set during the run, -1 if unknown
 * @param postgresPeakPssBytes the PostgreSQL processes' largest summed proportional set size sampled during the run, -1 if unknown
 * @param loadAverage the one-minute load average when the run started
 */
public record Measurement(Variant variant, int round, long rows, double seconds, long jvmCpuNanos,
    long loomThreadsCpuNanos, long postgresCpuNanos, long jvmPeakRssBytes, long postgresPeakPssBytes, double loadAverage) {

  /** Rows per second. */
  public double rowsPerSecond() {
    return rows / seconds;
  }
}
