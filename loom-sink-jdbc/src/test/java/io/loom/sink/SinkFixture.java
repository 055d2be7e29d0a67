package io.loom.sink;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A sink over a fresh schema for each test: registered with {@code @RegisterExtension}, it creates the
 * schema ({@link SinkDatabase}), runs the tables' DDL and opens a {@link JdbcSink} before each test, and
 * closes both after it. {@link #messages} fills a batch one message (of one row) after the other;
 * {@link #rows} reads a table back.
 */
final class SinkFixture implements BeforeEachCallback, AfterEachCallback {
  static final String TOPIC = "device.sensor.test.raw";
  static final String GROUP = "g";

  private final String[] ddl;
  private SinkDatabase db;
  private JdbcSink sink;

  /** @param ddl the statements that create the test's tables, run before each test */
  SinkFixture(String... ddl) {
    this.ddl = ddl;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    db = new SinkDatabase();
    if (ddl.length > 0) {
      db.execute(ddl);
    }
    sink = new JdbcSink(db.pool, SinkDatabase.fastRetries());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    sink.close();
    db.close();
  }

  SinkDatabase db() {
    return db;
  }

  JdbcSink sink() {
    return sink;
  }

  /** A new batch for {@code target}, filled from {@link #TOPIC} partition 0, offset 0 on. */
  Messages messages(TableTarget target) {
    return new Messages(sink.newBatch(), target);
  }

  /** Every row of {@code table}, ordered by its first column, as {@link SinkDatabase#query} gives them. */
  List<String> rows(String table) {
    return db.query("SELECT * FROM " + table + " ORDER BY 1");
  }

  /** The {@code columns} (a select list such as {@code "id, v"}) of every row of {@code table}, ordered by them. */
  List<String> rows(String table, String columns) {
    return db.query("SELECT " + columns + " FROM " + table + " ORDER BY " + columns);
  }

  /** Fills one batch: each {@link #add} is one message with one row, at the next offset of the current partition. */
  final class Messages {
    private final SinkBatch batch;
    private TableTarget target;
    private int partition;
    private long offset;

    private Messages(SinkBatch batch, TableTarget target) {
      this.batch = batch;
      this.target = target;
    }

    /** The following messages go to {@code target}. */
    Messages to(TableTarget target) {
      this.target = target;
      return this;
    }

    /** The next message is at {@code partition}/{@code offset} (of {@link #TOPIC}). */
    Messages at(int partition, long offset) {
      this.partition = partition;
      this.offset = offset;
      return this;
    }

    /** One message with one row of {@code values}, as {@link SinkDatabase#row} takes them. */
    Messages add(Object... values) {
      SinkDatabase.message(batch, target, TOPIC, partition, offset++, values);
      return this;
    }

    SinkBatch batch() {
      return batch;
    }

    /** Writes the batch for group {@link #GROUP}. */
    WriteResult write() {
      return sink.write(batch, GROUP);
    }
  }
}
