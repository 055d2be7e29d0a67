package io.loom.mapping.jdbc;

import java.util.List;
import java.util.Objects;

/**
 * The difference between a configuration snapshot and the configuration tables: per table, the rows a
 * {@link JdbcConfigWriter} adds, changes and removes to make the tables hold exactly the snapshot.
 *
 * <p>Rows are named by their natural key ({@code device.audio.raw}, {@code device.audio.raw/v2},
 * {@code audio-pipeline/transcribe input device.audio.raw},
 * {@code device.sensor.gps.raw: data.latitude -> lat}); changed rows list each changed column with its old
 * and new value. {@link #report()} prints it for a dry run. Immutable.
 *
 * @param tables one entry per configuration table, in the order the tables are written, also when unchanged
 */
public record ConfigDiff(List<TableDiff> tables) {
  private static final int MAX_VALUE_LENGTH = 60;

  public ConfigDiff {
    tables = List.copyOf(tables);
  }

  /**
   * The changes to one table.
   *
   * @param added the rows to insert, by key
   * @param changed the rows to update, with their changed columns
   * @param removed the rows to delete, by key
   */
  public record TableDiff(String table, List<String> added, List<RowChange> changed, List<String> removed) {
    public TableDiff {
      Objects.requireNonNull(table, "table");
      added = List.copyOf(added);
      changed = List.copyOf(changed);
      removed = List.copyOf(removed);
    }

    public boolean isEmpty() {
      return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }
  }

  /** One row to update: its key and the columns whose values differ. */
  public record RowChange(String row, List<ColumnChange> columns) {
    public RowChange {
      columns = List.copyOf(columns);
    }
  }

  /**
   * One column of a changed row; values as shown in the report ({@code NULL}, {@code 30}, {@code 'text'}).
   */
  public record ColumnChange(String column, String before, String after) {}

  /** Whether the tables already hold the snapshot. */
  public boolean isEmpty() {
    return tables.stream().allMatch(TableDiff::isEmpty);
  }

  /** Rows to add, over all tables. */
  public int added() {
    return tables.stream().mapToInt(t -> t.added().size()).sum();
  }

  /** Rows to change, over all tables. */
  public int changed() {
    return tables.stream().mapToInt(t -> t.changed().size()).sum();
  }

  /** Rows to remove, over all tables. */
  public int removed() {
    return tables.stream().mapToInt(t -> t.removed().size()).sum();
  }

  /** The changes of one table (an empty diff for a table without changes). */
  public TableDiff table(String name) {
    return tables.stream().filter(t -> t.table().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no configuration table named '" + name + "'"));
  }

  /**
   * A readable report: one block per changed table ({@code +} added, {@code ~} changed with old -> new
   * values, {@code -} removed) and a total line; or a single line saying there is nothing to change.
   */
  public String report() {
    if (isEmpty()) {
      return "No changes: the configuration tables already hold this configuration.\n";
    }
    StringBuilder sb = new StringBuilder();
    for (TableDiff t : tables) {
      if (t.isEmpty()) {
        continue;
      }
      sb.append(t.table()).append(": ").append(counts(t.added().size(), t.changed().size(), t.removed().size()))
          .append('\n');
      for (String row : t.added()) {
        sb.append("  + ").append(row).append('\n');
      }
      for (RowChange row : t.changed()) {
        sb.append("  ~ ").append(row.row()).append(": ");
        for (int i = 0; i < row.columns().size(); i++) {
          ColumnChange c = row.columns().get(i);
          sb.append(i == 0 ? "" : ", ").append(c.column()).append(' ').append(c.before()).append(" -> ")
              .append(c.after());
        }
        sb.append('\n');
      }
      for (String row : t.removed()) {
        sb.append("  - ").append(row).append('\n');
      }
    }
    sb.append("Total: ").append(counts(added(), changed(), removed())).append('\n');
    return sb.toString();
  }

  /** {@code 2 added, 1 changed, 0 removed}. */
  @Override
  public String toString() {
    return isEmpty() ? "no changes" : counts(added(), changed(), removed());
  }

  private static String counts(int added, int changed, int removed) {
    return added + " added, " + changed + " changed, " + removed + " removed";
  }

  /** How a value is shown in a report. */
  static String show(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof String s) {
      String shown = s.length() > MAX_VALUE_LENGTH ? s.substring(0, MAX_VALUE_LENGTH) + "..." : s;
      return "'" + shown.replace("\n", "\\n") + "'";
    }
    return String.valueOf(value);
  }
}
