package io.loom.systemtests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.systemtests.faults.FaultInjection.Options;
import io.loom.systemtests.faults.FaultInjection.PartitionCheck;
import io.loom.systemtests.faults.FaultInjection.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The short fault-injection run: 20,000 messages, three SIGKILLs of the real service, one PostgreSQL
 * restart and one broker restart. The seed differs from run to run and is part of every failure message;
 * {@code scripts/fault-injection --messages 20000 --kills 3 --rate 1000 --seed <seed>} replays the same moments.
 */
class FaultInjectionTest {
  private static final long MESSAGES = 20_000;

  @Test
  void killsAndRestarts_loseAndDoubleNothing() {
    Path jar = Path.of(System.getProperty("loom.jar", "../loom-consumer/target/loom.jar")).toAbsolutePath();
    assertThat(Files.isRegularFile(jar)).as("the runnable jar %s (built in loom-consumer's package phase)", jar)
        .isTrue();
    long seed = new Random().nextLong();
    // 1,000 messages a second: the service is always busy, so the faults strike amid batches.
    Options options = new Options(MESSAGES, 3, 1, 1, seed, 1_000, jar, Path.of("target", "fault-injection-test")
        .toAbsolutePath(), "FaultInjectionTest, seed " + seed);

    Report report = FaultInjection.run(options, System.out);

    String summary = report.summary();
    assertThat(report.error()).as(summary).isNull();
    assertThat(report.produceFailures()).as(summary).isZero();
    assertThat(report.produced()).as(summary).isEqualTo(MESSAGES);
    assertThat(report.rows()).as(summary).isEqualTo(MESSAGES);
    assertThat(report.distinctOffsets()).as(summary).isEqualTo(MESSAGES);
    assertThat(report.distinctMessages()).as(summary).isEqualTo(MESSAGES);
    assertThat(report.duplicates()).as(summary).isZero();
    assertThat(report.gaps()).as(summary).isZero();
    assertThat(report.partitions()).as(summary).hasSize(FaultInjection.PARTITIONS).allMatch(PartitionCheck::complete);
    assertThat(report.kills()).as(summary).isEqualTo(3);
    assertThat(report.postgresRestarts()).as(summary).isEqualTo(1);
    assertThat(report.brokerRestarts()).as(summary).isEqualTo(1);
    assertThat(report.unexpectedExits()).as(summary).isZero();
    assertThat(report.passed()).as(summary).isTrue();
    assertThat(report.markdown()).contains("**PASSED**", "| Duplicates | 0 |", "| Gaps | 0 |");
  }
}
