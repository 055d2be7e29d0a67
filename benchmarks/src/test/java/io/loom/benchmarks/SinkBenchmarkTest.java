package io.loom.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.testsupport.TestPostgres;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sink harness runs every measurement on a small workload, so that it cannot rot; no speed is
 * asserted. Each measurement checks its own outcome (row count and the sum of battery_level against
 * the values written) and throws when the rows did not all land.
 */
class SinkBenchmarkTest {

  @Test
  void run_smallWorkload_everyMeasurementStoresWhatItWrote() throws Exception {
    Map<String, Double> rates = SinkBenchmark.run(TestPostgres.shared(), 3_000, 700);

    assertThat(rates.keySet()).containsExactly(
        "(a) COPY CSV, no index",
        "sink append, no index",
        "(a) COPY CSV, primary key",
        "sink ignore, primary key, no conflicts",
        "sink update, every row conflicting, changed values",
        "(b) batched INSERT ... ON CONFLICT DO UPDATE (reWriteBatchedInserts), every row conflicting, changed values",
        "(c) COPY CSV to staging + INSERT ... ON CONFLICT DO UPDATE, every row conflicting, changed values",
        "sink update, every row conflicting, identical values (replay)",
        "(b) batched upsert, every row conflicting, identical values (replay)",
        "sink update, every row a new key",
        "(b) batched upsert, every row a new key",
        "sink update, 1 row in 10 conflicting with changed values, the rest new keys",
        "(b) batched upsert, 1 row in 10 conflicting with changed values, the rest new keys");
    assertThat(rates.values()).allSatisfy(rate -> assertThat(rate).isPositive().isFinite());
  }
}
