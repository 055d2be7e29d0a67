package io.loom.sink.internal;

import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.SqlIdentifiers;
import io.loom.sink.TableTarget;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Design note: how the rows of one {@link TableTarget} are written into one table, decided once per
 * target and metadata version: the codec of every mapped column (native binary, or the kind's
 * natural type in a staging column that PostgreSQL casts), the write path for the conflict strategy,
 * and every SQL statement of that path, built only from validated, quoted identifiers and type names
 * printed by PostgreSQL itself. Problems that make every row fail (missing table or column, a
 * pairing with no conversion, no arbiter index for the key) are collected instead of SQL; the plan is
 * then unusable for writing but says exactly what is wrong. Immutable and thread-safe.
 *
 * <p>Keyed paths whose columns need no cast first try a COPY straight into the table ({@link
 * #directFirst()}); staging is the fallback on a key conflict. update and replace skip a conflicting
 * row whose stored values are already the new ones ({@link #skipsUnchanged()}): the comparison is the
 * binary image of the values ({@code record *=}), so only a byte-identical row is skipped (1.0 and 1.00,
 * or 'a' and 'A' under a case-insensitive type, still update), and it works for types without an
 * equality operator (json). replace skips only when it sets no column to its default: a default may be
 * volatile ({@code now()}, a sequence), and replace promises the stored row is exactly the new row.
 */
public final class TablePlan {
  /** The staging table's sequence column; not a legal mapped column name, so it never clashes. */
  static final String SEQ_COLUMN = "\"loom$seq\"";
  /** The target table's alias in the upsert; not a legal mapped table name either. */
  static final String TARGET_ALIAS = "\"loom$target\"";

  /** How rows reach the table. */
  public enum Path {
    /** COPY straight into the table. */
    APPEND_DIRECT,
    /** COPY into staging, then INSERT ... SELECT (some columns need a cast). */
    APPEND_STAGED,
    /** COPY straight into the table in a savepoint; on a conflict, staging + ON CONFLICT DO NOTHING. */
    IGNORE_FAST,
    /** Staging + INSERT ... ON CONFLICT DO NOTHING (some columns need a cast). */
    IGNORE_STAGED,
    /**
     * INSERT ... ON CONFLICT DO UPDATE of the mapped non-key columns from staging; COPY straight into the
     * table first when {@link #directFirst()}.
     */
    UPDATE,
    /**
     * INSERT ... ON CONFLICT DO UPDATE of every non-key column (new value or default) from staging; COPY
     * straight into the table first when {@link #directFirst()}.
     */
    REPLACE
  }

  /** One reason why no row could ever be written. {@code column} is null for the table or the key. */
  public record Problem(String column, String field, String message) {}

  /** Whether PostgreSQL can cast one type to another; answered by the database. */
  @FunctionalInterface
  public interface CastProbe {
    boolean canCast(String fromType, String toType);
  }

  private final TableTarget target;
  private final TableMetadata metadata;
  private final List<Problem> problems;
  private final Codec[] codecs;
  private final String[] castTo;
  private final Path path;
  private final boolean directFirst;
  private final boolean skipsUnchanged;
  private final boolean insertsEveryRow;
  private final String quotedTable;
  private final String directCopySql;
  private final String stagingTable;
  private final String stagingDdl;
  private final String stagingCopySql;
  private final String insertSql;
  private final String description;

  private TablePlan(TableTarget target, TableMetadata metadata, CastProbe probe, boolean timescale) {
    this.target = target;
    this.metadata = metadata;
    this.quotedTable = SqlIdentifiers.quote(target.table());
    List<Problem> found = new ArrayList<>();
    List<Column> columns = target.columns();
    int n = columns.size();
    codecs = new Codec[n];
    castTo = new String[n];
    String[] stagingTypes = new String[n];
    boolean anyCast = false;
    if (!metadata.exists()) {
      found.add(new Problem(null, "table_name", "table '" + target.table() + "' does not exist in the database"));
    } else if ("rpf".indexOf(metadata.relkind()) < 0) {
      found.add(new Problem(null, "table_name", "'" + target.table() + "' is not a table (relkind '" + metadata.relkind()
          + "'); rows can only be written to tables"));
    } else {
      for (Column c : columns) {
        TableMetadata.ColumnInfo info = metadata.columns().get(c.name());
        if (info == null) {
          found.add(new Problem(c.name(), "target_column", "column '" + c.name() + "' does not exist in table '"
              + target.table() + "'; its columns are " + String.join(", ", metadata.columnNames())));
          continue;
        }
        if (info.generated()) {
          found.add(new Problem(c.name(), "target_column", "column '" + c.name() + "' of table '" + target.table()
              + "' is a generated column; it cannot be written"));
          continue;
        }
        Column.ValueKind kind = c.valueKind();
        Codec codec = Codec.forPair(kind, info.typeOid(), info.elementOid(), c.name(), info.declaredType());
        if (codec != null) {
          codecs[c.index()] = codec;
          stagingTypes[c.index()] = info.declaredType();
        } else if (probe.canCast(Codec.naturalType(kind), info.declaredType())) {
          codecs[c.index()] = Codec.forPair(kind, Codec.naturalOid(kind), Codec.naturalElementOid(kind), c.name(),
              Codec.naturalType(kind));
          castTo[c.index()] = info.declaredType();
          stagingTypes[c.index()] = Codec.naturalType(kind);
          anyCast = true;
        } else {
          found.add(new Problem(c.name(), "data_type", "data type " + describe(c) + " cannot be written to column '"
              + c.name() + "' of type " + info.declaredType() + " in table '" + target.table() + "' (PostgreSQL has no"
              + " conversion from " + Codec.naturalType(kind) + " to " + info.declaredType() + ")"));
        }
      }
      Set<String> mapped = new HashSet<>(target.columnNames());
      for (TableMetadata.ColumnInfo info : metadata.columns().values()) {
        if (!mapped.contains(info.name()) && info.notNull() && !info.hasDefault() && !info.identity() && !info.generated()) {
          found.add(new Problem(null, "fields", "column '" + info.name() + "' of table '" + target.table()
              + "' is NOT NULL without a default and is not mapped: every row would be rejected"));
        }
      }
      if (!target.isAppendOnly() && arbiter(metadata, target.upsertKey()) == null) {
        StringJoiner indexes = new StringJoiner("; ");
        metadata.uniqueIndexes().forEach(i -> indexes.add(i.describe()));
        found.add(new Problem(null, "upsert_key", "upsert key (" + String.join(", ", target.upsertKey())
            + ") has no primary key or unique index on exactly these columns in table '" + target.table() + "'"
            + (metadata.uniqueIndexes().isEmpty() ? "; the table has no unique index" : "; its unique indexes are "
                + indexes) + " (needed for conflict strategy " + target.conflictStrategy() + ")"));
      }
    }
    if (found.isEmpty() && timescale && target.hypertable() != null) {
      found.addAll(Hypertables.problems(target.table(), target.hypertable(), metadata));
    }
    this.problems = List.copyOf(found);
    this.path = choosePath(target, anyCast);
    this.directFirst = path == Path.IGNORE_FAST || ((path == Path.UPDATE || path == Path.REPLACE) && !anyCast);
    if (!problems.isEmpty()) {
      directCopySql = stagingTable = stagingDdl = stagingCopySql = insertSql = null;
      description = null;
      skipsUnchanged = insertsEveryRow = false;
      return;
    }
    StringJoiner cols = new StringJoiner(", ");
    StringJoiner select = new StringJoiner(", ");
    StringJoiner ddl = new StringJoiner(", ");
    StringBuilder signature = new StringBuilder(target.table());
    ddl.add(SEQ_COLUMN + " bigint");
    for (Column c : columns) {
      String q = SqlIdentifiers.quote(c.name());
      cols.add(q);
      select.add(castTo[c.index()] == null ? q : q + "::" + castTo[c.index()]);
      ddl.add(q + " " + stagingTypes[c.index()]);
      signature.append('|').append(c.name()).append(':').append(stagingTypes[c.index()]);
    }
    directCopySql = "COPY " + quotedTable + " (" + cols + ") FROM STDIN (FORMAT binary)";
    stagingTable = "pg_temp.\"loom_stage_" + hash(signature.toString()) + "\"";
    stagingDdl = "CREATE TEMP TABLE IF NOT EXISTS " + stagingTable.substring("pg_temp.".length()) + " (" + ddl
        + ") ON COMMIT DELETE ROWS";
    stagingCopySql = "COPY " + stagingTable + " (" + SEQ_COLUMN + ", " + cols + ") FROM STDIN (FORMAT binary)";
    Conflict conflict = conflictClause();
    skipsUnchanged = conflict.skipsUnchanged();
    insertsEveryRow = target.isAppendOnly() || (conflict.updates() && !skipsUnchanged);
    insertSql = "INSERT INTO " + quotedTable + (target.isAppendOnly() ? "" : " AS " + TARGET_ALIAS) + " (" + cols
        + ") SELECT " + select + " FROM " + stagingTable + " WHERE " + SEQ_COLUMN + " >= ? AND " + SEQ_COLUMN + " < ?"
        + conflict.sql();
    description = describePath(anyCast);
  }

  /**
   * Plans {@code target} against {@code metadata}. With {@code timescale} (the timescaledb extension is
   * installed), a target with hypertable settings is also checked for what would make TimescaleDB
   * refuse to convert its table.
   */
  public static TablePlan build(TableTarget target, TableMetadata metadata, CastProbe probe, boolean timescale) {
    return new TablePlan(target, metadata, probe, timescale);
  }

  private static Path choosePath(TableTarget target, boolean anyCast) {
    if (target.isAppendOnly()) {
      return anyCast ? Path.APPEND_STAGED : Path.APPEND_DIRECT;
    }
    return switch (target.conflictStrategy()) {
      case IGNORE -> anyCast ? Path.IGNORE_STAGED : Path.IGNORE_FAST;
      case UPDATE -> Path.UPDATE;
      case REPLACE -> Path.REPLACE;
    };
  }

  private static TableMetadata.UniqueIndex arbiter(TableMetadata metadata, List<String> key) {
    Set<String> wanted = new HashSet<>(key);
    for (TableMetadata.UniqueIndex index : metadata.uniqueIndexes()) {
      if (!index.partial() && !index.expression() && index.columns().size() == key.size()
          && wanted.equals(new HashSet<>(index.columns()))) {
        return index;
      }
    }
    return null;
  }

  /** The ON CONFLICT clause; whether it updates conflicting rows, and whether it skips identical ones. */
  private record Conflict(String sql, boolean updates, boolean skipsUnchanged) {}

  private Conflict conflictClause() {
    if (target.isAppendOnly()) {
      return new Conflict("", false, false);
    }
    StringJoiner keys = new StringJoiner(", ");
    target.upsertKey().forEach(k -> keys.add(SqlIdentifiers.quote(k)));
    String on = " ON CONFLICT (" + keys + ") ";
    Set<String> key = new HashSet<>(target.upsertKey());
    StringJoiner set = new StringJoiner(", ");
    StringJoiner stored = new StringJoiner(", ");
    StringJoiner incoming = new StringJoiner(", ");
    boolean anyDefault = false;
    if (target.conflictStrategy() == ConflictStrategy.UPDATE) {
      for (Column c : target.columns()) {
        if (!key.contains(c.name())) {
          String q = SqlIdentifiers.quote(c.name());
          set.add(q + " = EXCLUDED." + q);
          stored.add(TARGET_ALIAS + "." + q);
          incoming.add("EXCLUDED." + q);
        }
      }
    } else if (target.conflictStrategy() == ConflictStrategy.REPLACE) {
      Set<String> mapped = new HashSet<>(target.columnNames());
      for (TableMetadata.ColumnInfo info : metadata.columns().values()) {
        if (key.contains(info.name()) || info.generated() || (info.identity() && !mapped.contains(info.name()))) {
          continue;
        }
        String q = SqlIdentifiers.quote(info.name());
        if (mapped.contains(info.name())) {
          set.add(q + " = EXCLUDED." + q);
          stored.add(TARGET_ALIAS + "." + q);
          incoming.add("EXCLUDED." + q);
        } else {
          set.add(q + " = DEFAULT");
          anyDefault = true;
        }
      }
    }
    if (set.length() == 0) {
      return new Conflict(on + "DO NOTHING", false, false);
    }
    String update = on + "DO UPDATE SET " + set;
    if (anyDefault) {
      return new Conflict(update, true, false);
    }
    return new Conflict(update + " WHERE NOT (ROW(" + stored + ")::record *= ROW(" + incoming + ")::record)", true, true);
  }

  private String describePath(boolean anyCast) {
    String casts = "";
    if (anyCast) {
      StringJoiner names = new StringJoiner(", ");
      for (Column c : target.columns()) {
        if (castTo[c.index()] != null) {
          names.add(c.name() + " (" + Codec.naturalType(c.valueKind()) + " -> " + castTo[c.index()] + ")");
        }
      }
      casts = "; PostgreSQL casts " + names;
    }
    String keys = "(" + String.join(", ", target.upsertKey()) + ")";
    return switch (path) {
      case APPEND_DIRECT -> "append: binary COPY straight into " + target.table();
      case APPEND_STAGED -> "append: binary COPY into a staging table, then INSERT INTO " + target.table()
          + " ... SELECT" + casts;
      case IGNORE_FAST -> "ignore: binary COPY straight into " + target.table() + " inside a savepoint; on a key"
          + " conflict, COPY into a staging table and INSERT ... ON CONFLICT " + keys + " DO NOTHING";
      case IGNORE_STAGED -> "ignore: binary COPY into a staging table, then INSERT ... ON CONFLICT " + keys
          + " DO NOTHING" + casts;
      case UPDATE -> "update: " + stagingIntro() + "INSERT ... ON CONFLICT " + keys
          + (insertSql.endsWith("DO NOTHING") ? " DO NOTHING (no mapped column outside the key)"
              : " DO UPDATE SET the mapped non-key columns, skipping rows whose stored values are identical") + casts;
      case REPLACE -> "replace: " + stagingIntro() + "INSERT ... ON CONFLICT " + keys
          + " DO UPDATE SET every non-key column to the new value or, when it is not mapped, to its default"
          + (skipsUnchanged ? ", skipping rows whose stored values are identical" : "") + casts;
    };
  }

  private String stagingIntro() {
    return directFirst ? "binary COPY straight into " + target.table() + " inside a savepoint; on a key conflict,"
        + " COPY into a staging table and " : "binary COPY into a staging table, then ";
  }

  private static String describe(Column c) {
    return c.transformation() == null ? c.dataType().toString() : c.dataType() + " (" + c.transformation() + ")";
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public TableTarget target() {
    return target;
  }

  public TableMetadata metadata() {
    return metadata;
  }

  public List<Problem> problems() {
    return problems;
  }

  public boolean usable() {
    return problems.isEmpty();
  }

  public Path path() {
    return path;
  }

  /** Whether rows are first copied straight into the table in a savepoint, staging only on a key conflict. */
  public boolean directFirst() {
    return directFirst;
  }

  /** Whether the upsert leaves a conflicting row alone when its stored values are byte-identical to the new ones. */
  public boolean skipsUnchanged() {
    return skipsUnchanged;
  }

  /**
   * Whether {@link #insertSql()} inserts or updates every staged row it selects, so that its row count
   * must equal the rows staged; otherwise (ignore, key-only update, skipped identical rows) it is at most that.
   */
  public boolean insertsEveryRow() {
    return insertsEveryRow;
  }

  /** How rows are written, for humans; {@code null} when the plan has problems. */
  public String description() {
    return description;
  }

  Codec[] codecs() {
    return codecs;
  }

  public String directCopySql() {
    return directCopySql;
  }

  public String stagingTable() {
    return stagingTable;
  }

  public String stagingDdl() {
    return stagingDdl;
  }

  public String stagingCopySql() {
    return stagingCopySql;
  }

  public String insertSql() {
    return insertSql;
  }

  public String quotedTable() {
    return quotedTable;
  }
}
