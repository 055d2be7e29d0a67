package io.loom.systemtests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.systemtests.faults.FaultInjection.PartitionCheck;
import io.loom.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The check finds what it is there to find: a doubled row, a missing offset, a stray offset or partition. */
class TableCheckTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static final String TABLE = "telemetry_check";

  private DataSource dataSource;

  @BeforeEach
  void createTable() throws SQLException {
    TestPostgres postgres = TestPostgres.shared();
    dataSource = postgres.dataSource(postgres.createDatabase("table_check_" + DATABASES.incrementAndGet()));
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(TelemetryMessages.createTable(TABLE));
    }
  }

  @Test
  void check_everyOffsetOnce_isComplete() throws SQLException {
    insert(0, 0, 3);
    insert(1, 3, 2);

    TableCheck.Result result = TableCheck.check(dataSource, TABLE, Map.of(0, 3L, 1, 2L));

    assertThat(result.rows()).isEqualTo(5);
    assertThat(result.distinctOffsets()).isEqualTo(5);
    assertThat(result.distinctMessages()).isEqualTo(5);
    assertThat(result.duplicates()).isZero();
    assertThat(result.gaps()).isZero();
    assertThat(result.partitions()).containsExactly(
        new PartitionCheck(0, 3, 3, 3, 3, 0, 2), new PartitionCheck(1, 2, 2, 2, 2, 0, 1));
    assertThat(result.partitions()).allMatch(PartitionCheck::complete);
  }

  @Test
  void check_doubledRow_isADuplicate() throws SQLException {
    insert(0, 0, 3);
    insertRow(0, 1, 1);

    TableCheck.Result result = TableCheck.check(dataSource, TABLE, Map.of(0, 3L));

    assertThat(result.rows()).isEqualTo(4);
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.distinctMessages()).isEqualTo(3);
    assertThat(result.gaps()).isZero();
    assertThat(result.partitions().get(0).complete()).isFalse();
    assertThat(result.partitions().get(0).toString())
        .isEqualTo("partition 0: end offset 3, rows 4, distinct offsets 3, offsets 0..2  <-- INCOMPLETE");
  }

  @Test
  void check_missingOffset_isAGap() throws SQLException {
    insertRow(0, 0, 0);
    insertRow(0, 2, 2);

    TableCheck.Result result = TableCheck.check(dataSource, TABLE, Map.of(0, 3L, 1, 1L));

    assertThat(result.duplicates()).isZero();
    assertThat(result.gaps()).isEqualTo(2);
    assertThat(result.partitions()).containsExactly(
        new PartitionCheck(0, 3, 2, 2, 2, 0, 2), new PartitionCheck(1, 1, 0, 0, 0, -1, -1));
    assertThat(result.partitions()).noneMatch(PartitionCheck::complete);
  }

  @Test
  void check_offsetBeyondTheEndInsteadOfTheLast_isAGap() throws SQLException {
    insert(0, 0, 2);
    insertRow(0, 3, 2);

    TableCheck.Result result = TableCheck.check(dataSource, TABLE, Map.of(0, 3L));

    assertThat(result.rows()).isEqualTo(3);
    assertThat(result.duplicates()).isZero();
    assertThat(result.gaps()).isEqualTo(1);
    assertThat(result.partitions().get(0).complete()).isFalse();
  }

  @Test
  void check_rowsOfAPartitionTheBrokerDoesNotHave_areIncomplete() throws SQLException {
    insert(0, 0, 1);
    insertRow(7, 0, 1);

    TableCheck.Result result = TableCheck.check(dataSource, TABLE, Map.of(0, 1L));

    assertThat(result.partitions()).containsExactly(
        new PartitionCheck(0, 1, 1, 1, 1, 0, 0), new PartitionCheck(7, 0, 1, 1, 0, 0, 0));
    assertThat(result.partitions().get(1).complete()).isFalse();
  }

  /** Offsets {@code 0..count-1} of a partition, messages {@code firstMessage..}. */
  private void insert(int partition, long firstMessage, int count) throws SQLException {
    for (int i = 0; i < count; i++) {
      insertRow(partition, i, firstMessage + i);
    }
  }

  private void insertRow(int partition, long offset, long message) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (device_id, \"timestamp\","
            + " kafka_partition, kafka_offset) VALUES (?, '2026-11-27T10:00:00Z'::timestamptz + ? * interval '1 ms',"
            + " ?, ?)")) {
      ps.setString(1, TelemetryMessages.deviceId(message));
      ps.setLong(2, message);
      ps.setInt(3, partition);
      ps.setLong(4, offset);
      ps.executeUpdate();
    }
  }
}
