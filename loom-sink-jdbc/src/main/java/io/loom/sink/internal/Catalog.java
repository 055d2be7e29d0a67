package io.loom.sink.internal;

import io.loom.sink.SinkException;
import io.loom.sink.TableTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Design note: the sink's cached knowledge of the database: table metadata (read once per table),
 * the plan of every target, the answers of cast probes, whether TimescaleDB is installed, and which
 * tables were already converted to hypertables. With {@code createMissingTables}, a target table that
 * does not exist is created from its mapping on its first write ({@link TableCreation}), and checks
 * plan against the table that will be created; so does the write before it creates the table, which
 * it does not when that plan has problems. Where TimescaleDB is installed, the plan of a
 * hypertable target also holds what would make TimescaleDB refuse the conversion (so checks and
 * configuration reloads report it before any write); a table is converted only once its plan is
 * usable, before anything is written, and a refusal the plan did not foresee becomes a {@link
 * SinkException.Reason#SCHEMA} failure naming the table, the time column and TimescaleDB's reason. {@link #invalidate()} forgets all of it (after a
 * configuration or schema change); concurrent writers may read the same table twice, never a torn
 * entry. Every query runs on the caller's connection in auto-commit mode.
 */
final class Catalog {
  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

  private final ConcurrentHashMap<String, TableMetadata> tables = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TableTarget, TablePlan> plans = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Boolean> casts = new ConcurrentHashMap<>();
  private final Set<String> hypertablesDone = ConcurrentHashMap.newKeySet();
  private final Set<String> hypertablesIgnored = ConcurrentHashMap.newKeySet();
  private volatile Extension timescale;
  private final boolean createMissingTables;

  /** @param createMissingTables whether a target table that does not exist is created from its mapping */
  Catalog(boolean createMissingTables) {
    this.createMissingTables = createMissingTables;
  }

  /** Whether the timescaledb extension is installed in the database, and in which schema. */
  private record Extension(String schema) {
    boolean installed() {
      return schema != null;
    }
  }

  /** The plan of {@code target}, reading metadata (and converting a hypertable) on first use. */
  TablePlan plan(Connection conn, TableTarget target) throws SQLException {
    TablePlan plan = plans.get(target);
    if (plan != null) {
      return plan;
    }
    TableMetadata metadata = metadata(conn, target.table());
    if (!metadata.exists() && createMissingTables) {
      // planned first: a table that could never take the mapping's rows (or become its hypertable) is not made
      plan = build(conn, target, TableCreation.planned(target));
      if (plan.usable()) {
        createTable(conn, target);
        tables.remove(target.table());
        metadata = metadata(conn, target.table());
        plan = null;
      }
    }
    if (plan == null) {
      plan = build(conn, target, metadata);
    }
    if (plan.usable()) {
      if (target.hypertable() != null) {
        convertToHypertable(conn, target, metadata);
      }
      LOG.debug("{}: {}", target.table(), plan.description());
    }
    plans.put(target, plan);
    return plan;
  }

  /**
   * A plan read fresh from the database (for checks), without touching the caches of writes. A missing
   * table that the first write will create is planned as the table it will be, unless its schema is
   * missing too.
   */
  TablePlan freshPlan(Connection conn, TableTarget target) throws SQLException {
    TableMetadata metadata = TableMetadata.read(conn, target.table());
    if (!metadata.exists() && createMissingTables && schemaExists(conn, target.table())) {
      metadata = TableCreation.planned(target);
    }
    return build(conn, target, metadata);
  }

  private static boolean schemaExists(Connection conn, String table) throws SQLException {
    int dot = table.indexOf('.');
    if (dot < 0) {
      return true;
    }
    try (PreparedStatement ps = conn.prepareStatement("SELECT pg_catalog.to_regnamespace(?::text) IS NOT NULL")) {
      ps.setString(1, io.loom.mapping.SqlIdentifiers.quote(table.substring(0, dot)));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private void createTable(Connection conn, TableTarget target) throws SQLException {
    String ddl = TableCreation.ddl(target);
    try {
      if (TableCreation.create(conn, target)) {
        LOG.info("{}: the table did not exist; created it from its mapping: {}", target.table(), ddl);
      }
    } catch (SQLException e) {
      if (SqlStates.classify(e) == SqlStates.Kind.TRANSIENT) {
        throw e;
      }
      throw new SinkException(SinkException.Reason.SCHEMA, "table '" + target.table() + "' does not exist and could"
          + " not be created from its mapping (" + ddl + "): " + SqlStates.state(e) + " " + SqlStates.message(e), e);
    }
  }

  private TablePlan build(Connection conn, TableTarget target, TableMetadata metadata) throws SQLException {
    try {
      boolean timescale = target.hypertable() != null && timescale(conn).installed();
      return TablePlan.build(target, metadata, (from, to) -> canCast(conn, from, to), timescale);
    } catch (ProbeFailure e) {
      throw e.sqlCause();
    }
  }

  private TableMetadata metadata(Connection conn, String table) throws SQLException {
    TableMetadata metadata = tables.get(table);
    if (metadata == null) {
      metadata = TableMetadata.read(conn, table);
      tables.put(table, metadata);
    }
    return metadata;
  }

  private boolean canCast(Connection conn, String from, String to) {
    String key = from + "->" + to;
    Boolean known = casts.get(key);
    if (known != null) {
      return known;
    }
    boolean ok;
    // Both type names are printed by PostgreSQL (format_type) or fixed by the sink, never configuration.
    try (Statement st = conn.createStatement()) {
      st.execute("SELECT CAST(CAST(NULL AS " + from + ") AS " + to + ")");
      ok = true;
    } catch (SQLException e) {
      if (SqlStates.classify(e) != SqlStates.Kind.SCHEMA) {
        throw new ProbeFailure(e);
      }
      ok = false;
    }
    casts.put(key, ok);
    return ok;
  }

  private Extension timescale(Connection conn) throws SQLException {
    Extension known = timescale;
    if (known == null) {
      try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(Hypertables.EXTENSION_QUERY)) {
        known = new Extension(rs.next() ? rs.getString(1) : null);
      }
      timescale = known;
    }
    return known;
  }

  private void convertToHypertable(Connection conn, TableTarget target, TableMetadata metadata) throws SQLException {
    String table = target.table();
    Extension extension = timescale(conn);
    if (!extension.installed()) {
      if (hypertablesIgnored.add(table)) {
        LOG.info("{}: the timescaledb extension is not installed; the hypertable settings (time column {}) are ignored"
            + " and the table stays a plain PostgreSQL table", table, target.hypertable().timeColumn());
      }
      return;
    }
    if (hypertablesDone.contains(table)) {
      return;
    }
    String interval = Objects.requireNonNullElse(Hypertables.chunkInterval(target.hypertable()), "default");
    // the plan has checked the time column's type and the chunk interval (Hypertables.problems)
    Hypertables.Statement statement = Hypertables.createHypertable(extension.schema(), table, target.hypertable(),
        Hypertables.isIntegerTime(metadata.columns().get(target.hypertable().timeColumn()).typeOid()));
    LOG.info("{}: converting to a TimescaleDB hypertable on {} (chunk interval {})", table,
        target.hypertable().timeColumn(), interval);
    try (PreparedStatement ps = conn.prepareStatement(statement.sql())) {
      for (int i = 0; i < statement.parameters().size(); i++) {
        ps.setObject(i + 1, statement.parameters().get(i));
      }
      ps.execute();
    } catch (SQLException e) {
      if (SqlStates.classify(e) == SqlStates.Kind.TRANSIENT) {
        throw e;
      }
      throw new SinkException(SinkException.Reason.SCHEMA, "table '" + table + "' does not fit its mapping:\n  -"
          + " TimescaleDB refused to make it a hypertable on time column '" + target.hypertable().timeColumn()
          + "' (chunk interval " + interval + "): " + SqlStates.state(e) + " " + SqlStates.message(e), e);
    }
    hypertablesDone.add(table);
  }

  void invalidate() {
    tables.clear();
    plans.clear();
    casts.clear();
    hypertablesDone.clear();
    timescale = null;
  }

  void invalidate(Iterable<String> tableNames) {
    for (String table : tableNames) {
      tables.remove(table);
      plans.keySet().removeIf(t -> t.table().equals(table));
      hypertablesDone.remove(table);
    }
  }

  /** A cast probe that failed for a reason other than a missing cast (the connection broke). */
  static final class ProbeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProbeFailure(SQLException cause) {
      super(cause);
    }

    SQLException sqlCause() {
      return (SQLException) getCause();
    }
  }
}
