package io.loom.sink;

import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.Hypertable;
import io.loom.mapping.SqlIdentifiers;
import io.loom.mapping.TopicMapping;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where the rows of one mapping go and how key conflicts are resolved: the table, its mapped columns
 * in row order (as a {@code RecordMapper} reports them), the upsert key and the conflict strategy.
 * Build it once per mapping (not per message) with {@link #of(TopicMapping, List)} and pass the same
 * instance to {@link SinkBatch#rowsFor}; equal targets share one buffer inside a batch.
 *
 * <p>The constructor validates every identifier with {@link SqlIdentifiers} (the sink always quotes
 * them), requires the columns to be numbered {@code 0 .. n-1} in order with distinct names, and the
 * key columns to be mapped. An empty key means append: rows are only inserted. Immutable.
 *
 * @param table the table, optionally schema-qualified
 * @param columns the mapped columns in row order
 * @param upsertKey the key columns; empty for append
 * @param conflictStrategy what a key conflict does (ignored for append)
 * @param hypertable TimescaleDB settings, or {@code null}
 */
public record TableTarget(
    String table, List<Column> columns, List<String> upsertKey, ConflictStrategy conflictStrategy, Hypertable hypertable) {

  public TableTarget {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(columns, "columns");
    upsertKey = List.copyOf(upsertKey == null ? List.of() : upsertKey);
    conflictStrategy = conflictStrategy == null ? ConflictStrategy.IGNORE : conflictStrategy;
    columns = List.copyOf(columns);
    if (!SqlIdentifiers.isValidTable(table)) {
      throw new IllegalArgumentException("table name '" + table + "' is not allowed; expected "
          + SqlIdentifiers.PATTERN_TEXT + ", optionally schema-qualified");
    }
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("table '" + table + "': no columns; expected at least one mapped column");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      if (c.index() != i) {
        throw new IllegalArgumentException("table '" + table + "': column '" + c.name() + "' has index " + c.index()
            + " at position " + i + "; expected the columns numbered 0.." + (columns.size() - 1) + " in order");
      }
      if (!SqlIdentifiers.isValid(c.name())) {
        throw new IllegalArgumentException("table '" + table + "': column name '" + c.name() + "' is not allowed; expected "
            + SqlIdentifiers.PATTERN_TEXT);
      }
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("table '" + table + "': column '" + c.name() + "' is mapped more than once");
      }
      Objects.requireNonNull(c.dataType(), "dataType of column " + c.name());
    }
    Set<String> keys = new HashSet<>();
    for (String key : upsertKey) {
      if (!names.contains(key)) {
        throw new IllegalArgumentException("table '" + table + "': upsert key column '" + key
            + "' is not among the mapped columns " + String.join(", ", columnNames(columns)));
      }
      if (!keys.add(key)) {
        throw new IllegalArgumentException("table '" + table + "': upsert key names column '" + key + "' twice");
      }
    }
  }

  /** The target of a topic mapping, with the columns its compiled mapper reports. */
  public static TableTarget of(TopicMapping mapping, List<Column> columns) {
    return new TableTarget(mapping.table(), columns, mapping.upsertKey(), mapping.conflictStrategy(), mapping.hypertable());
  }

  /** True when rows are only appended (no upsert key). */
  public boolean isAppendOnly() {
    return upsertKey.isEmpty();
  }

  /** The mapped column names in row order. */
  public List<String> columnNames() {
    return columnNames(columns);
  }

  private static List<String> columnNames(List<Column> columns) {
    return columns.stream().map(Column::name).toList();
  }
}
