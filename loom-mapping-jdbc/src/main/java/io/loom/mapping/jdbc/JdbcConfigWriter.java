package io.loom.mapping.jdbc;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConfigValidator;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.StageTopic;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import io.loom.mapping.jdbc.internal.ConfigRows;
import io.loom.mapping.jdbc.internal.ConfigTables;
import io.loom.mapping.jdbc.internal.TableSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link ConfigSnapshot} into the seven configuration tables (import), so that they hold
 * exactly that configuration: rows missing from the tables are inserted, rows that differ are updated,
 * rows the snapshot does not have are deleted. Rows are matched by their natural keys, never by id.
 *
 * <p>{@link #diff} only reads and says what {@link #apply} would do, for a dry run
 * ({@link ConfigDiff#report()}). {@link #apply} does it in one transaction, holding EXCLUSIVE locks on the
 * seven tables (readers, such as a running {@link JdbcMappingSource}, are not blocked; concurrent writers
 * wait), so the tables never show half an import, and one change notification is sent. Applying the same
 * snapshot again finds nothing to do and says so.
 *
 * <p>The tables then hold every mapping of the snapshot, including those of inactive topics; mappings that
 * are in the tables but not in the snapshot are deleted. A snapshot exported with a source that leaves out
 * inactive topics' mappings (the default of {@link JdbcMappingSource}) therefore deletes them on import:
 * export with {@code includeInactiveTopics(true)} to round-trip everything.
 *
 * <p>A snapshot is refused, before anything is written, if {@link ConfigValidator} finds problems, if a
 * mapping, schema or stage names a topic the snapshot's registry lacks (the tables require one), or if a
 * row appears twice. Thread-safe.
 *
 * <pre>{@code
 * JdbcConfigWriter writer = new JdbcConfigWriter(dataSource);
 * System.out.print(writer.diff(snapshot).report());   // dry run
 * ConfigDiff applied = writer.apply(snapshot);          // import
 * }</pre>
 */
public final class JdbcConfigWriter {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcConfigWriter.class);
  private static final String SOURCE = "the configuration to import";

  private record Table<R>(TableSpec<R> spec, Function<ConfigRows, List<R>> rows) {
    TableSpec.Changes<R> diff(ConfigRows current, ConfigRows wanted) {
      return spec.diff(rows.apply(current), rows.apply(wanted));
    }
  }

  private static final List<Table<?>> TABLES = List.of(
      new Table<>(ConfigTables.TOPICS, ConfigRows::topics),
      new Table<>(ConfigTables.FLOWS, ConfigRows::flows),
      new Table<>(ConfigTables.STAGES, ConfigRows::stages),
      new Table<>(ConfigTables.SCHEMAS, ConfigRows::schemas),
      new Table<>(ConfigTables.TABLE_CONFIGS, ConfigRows::tableConfigs),
      new Table<>(ConfigTables.FIELDS, ConfigRows::fields),
      new Table<>(ConfigTables.STAGE_TOPICS, ConfigRows::stageTopics));

  private final DataSource dataSource;

  public JdbcConfigWriter(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * What {@link #apply} would change, without changing anything.
   *
   * @throws InvalidConfigurationException if the snapshot cannot be written, listing every problem
   * @throws LoomException if the tables cannot be read
   */
  public ConfigDiff diff(ConfigSnapshot snapshot) {
    ConfigRows wanted = check(snapshot);
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      boolean readOnly = c.isReadOnly();
      c.setAutoCommit(false);
      try {
        c.setReadOnly(true);
        List<TableSpec.Changes<?>> changes = compute(ConfigRows.read(c, true), wanted);
        c.commit();
        return toDiff(changes);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setReadOnly(readOnly);
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new LoomException("cannot read the configuration tables: " + Migrator.describe(e), e);
    }
  }

  /**
   * Makes the tables hold exactly {@code snapshot}, in one transaction.
   *
   * @return what was changed; {@link ConfigDiff#isEmpty() empty} when the tables already held it
   * @throws InvalidConfigurationException if the snapshot cannot be written, listing every problem (nothing
   *     is written)
   * @throws LoomException if writing fails (the transaction is rolled back: nothing is written)
   */
  public ConfigDiff apply(ConfigSnapshot snapshot) {
    ConfigRows wanted = check(snapshot);
    long started = System.nanoTime();
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        try (Statement st = c.createStatement()) {
          st.execute("LOCK TABLE kafka_topics, kafka_topic_schemas, pipeline_flows, pipeline_stages,"
              + " pipeline_stage_topics, topic_field_mappings, topic_table_configs IN EXCLUSIVE MODE");
        }
        List<TableSpec.Changes<?>> changes = compute(ConfigRows.read(c, true), wanted);
        ConfigDiff diff = toDiff(changes);
        if (diff.isEmpty()) {
          c.commit();
          LOG.info("import: the configuration tables already hold configuration {}; nothing to change",
              snapshot.fingerprint());
          return diff;
        }
        write(c, changes);
        c.commit();
        LOG.info("import: wrote configuration {} in {} ms ({})", snapshot.fingerprint(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), diff);
        return diff;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new LoomException("import failed and was rolled back, nothing was written: " + Migrator.describe(e), e);
    }
  }

  private static List<TableSpec.Changes<?>> compute(ConfigRows current, ConfigRows wanted) {
    List<TableSpec.Changes<?>> changes = new ArrayList<>();
    for (Table<?> t : TABLES) {
      changes.add(t.diff(current, wanted));
    }
    return changes;
  }

  @SuppressWarnings("unchecked")
  private static void write(Connection c, List<TableSpec.Changes<?>> changes) throws SQLException {
    // Children first, so nothing is left to cascade.
    for (int i = changes.size() - 1; i >= 0; i--) {
      deleteAll(c, changes.get(i));
    }
    for (TableSpec.Changes<?> ch : changes) {
      if (ch.spec() == ConfigTables.SCHEMAS) {
        // At most one current version per topic, checked per statement: retire old ones first.
        TableSpec.Changes<ConfigRows.SchemaRow> schemas = (TableSpec.Changes<ConfigRows.SchemaRow>) ch;
        List<ConfigRows.SchemaRow> retire = new ArrayList<>();
        List<ConfigRows.SchemaRow> rest = new ArrayList<>();
        for (TableSpec.Change<ConfigRows.SchemaRow> change : schemas.changed()) {
          (change.row().current() ? rest : retire).add(change.row());
        }
        ConfigTables.SCHEMAS.update(c, retire);
        ConfigTables.SCHEMAS.update(c, rest);
      } else {
        updateAll(c, ch);
      }
    }
    for (TableSpec.Changes<?> ch : changes) {
      insertAll(c, ch);
    }
  }

  private static <R> void deleteAll(Connection c, TableSpec.Changes<R> ch) throws SQLException {
    ch.spec().delete(c, ch.removed());
  }

  private static <R> void updateAll(Connection c, TableSpec.Changes<R> ch) throws SQLException {
    List<R> rows = new ArrayList<>();
    for (TableSpec.Change<R> change : ch.changed()) {
      rows.add(change.row());
    }
    ch.spec().update(c, rows);
  }

  private static <R> void insertAll(Connection c, TableSpec.Changes<R> ch) throws SQLException {
    ch.spec().insert(c, ch.added());
  }

  private static ConfigDiff toDiff(List<TableSpec.Changes<?>> changes) {
    List<ConfigDiff.TableDiff> tables = new ArrayList<>();
    for (TableSpec.Changes<?> ch : changes) {
      tables.add(tableDiff(ch));
    }
    return new ConfigDiff(tables);
  }

  private static <R> ConfigDiff.TableDiff tableDiff(TableSpec.Changes<R> ch) {
    List<String> added = ch.added().stream().map(ch.spec()::key).toList();
    List<String> removed = ch.removed().stream().map(ch.spec()::key).toList();
    List<ConfigDiff.RowChange> changed = new ArrayList<>();
    for (TableSpec.Change<R> change : ch.changed()) {
      List<ConfigDiff.ColumnChange> columns = new ArrayList<>();
      for (Object[] col : change.columns()) {
        columns.add(new ConfigDiff.ColumnChange((String) col[0], ConfigDiff.show(col[1]), ConfigDiff.show(col[2])));
      }
      changed.add(new ConfigDiff.RowChange(change.key(), columns));
    }
    return new ConfigDiff.TableDiff(ch.spec().table(), added, changed, removed);
  }

  /**
   * Validates the snapshot for writing and turns it into rows. Besides {@link ConfigValidator} (which also
   * refuses repeated topics, schema versions, mappings, flows and columns), the tables need a registry row
   * for every topic a mapping, schema or stage names; the validator checks schemas and stages against the
   * registry only when there is one, and mappings not at all.
   */
  private static ConfigRows check(ConfigSnapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    List<ConfigProblem> problems = new ArrayList<>(ConfigValidator.validate(snapshot));
    Set<String> registered = new HashSet<>();
    for (TopicDefinition t : snapshot.topics()) {
      registered.add(t.topicName());
    }
    for (TopicMapping m : snapshot.mappings()) {
      if (!registered.contains(m.topic())) {
        problems.add(new ConfigProblem(null, "mappings[" + m.topic() + "].topic", "topic '" + m.topic()
            + "' has a mapping but is not in the topic registry; kafka_topics needs a row for every mapped topic"));
      }
    }
    if (registered.isEmpty()) {
      for (TopicSchema s : snapshot.schemas()) {
        problems.add(new ConfigProblem(null, "schemas[" + s.topicName() + "/" + s.version() + "].topic_name",
            "schema of topic '" + s.topicName() + "' which is not in the topic registry; kafka_topics needs a row"
                + " for it"));
      }
      for (PipelineFlow f : snapshot.flows()) {
        for (PipelineStage s : f.stages()) {
          for (StageTopic t : s.topics()) {
            problems.add(new ConfigProblem(null, "flows[" + f.flowName() + "].stages[" + s.stageName() + "].topics["
                + t.role() + ":" + t.topicName() + "]", "topic '" + t.topicName()
                + "' is not in the topic registry; kafka_topics needs a row for it"));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(SOURCE, problems);
    }
    return ConfigTables.rowsOf(snapshot);
  }
}
