package io.loom.mapping.jdbc;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.jdbc.internal.ConfigRows;
import io.loom.mapping.jdbc.internal.ConfigTables;
import io.loom.mapping.jdbc.internal.TableSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * Stores a snapshot in the configuration tables as it is, without the checks of {@link JdbcConfigWriter}
 * (which refuses invalid configurations), the way an operator editing rows by hand can. One transaction.
 */
final class RawTables {
  private RawTables() {}

  static void replaceWith(DataSource dataSource, ConfigSnapshot snapshot) {
    ConfigRows rows = ConfigTables.rowsOf(snapshot);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("DELETE FROM pipeline_stage_topics; DELETE FROM topic_field_mappings; DELETE FROM topic_table_configs;"
            + " DELETE FROM kafka_topic_schemas; DELETE FROM pipeline_stages; DELETE FROM pipeline_flows;"
            + " DELETE FROM kafka_topics");
      }
      insert(c, ConfigTables.TOPICS, rows.topics());
      insert(c, ConfigTables.FLOWS, rows.flows());
      insert(c, ConfigTables.STAGES, rows.stages());
      insert(c, ConfigTables.SCHEMAS, rows.schemas());
      insert(c, ConfigTables.TABLE_CONFIGS, rows.tableConfigs());
      insert(c, ConfigTables.FIELDS, rows.fields());
      insert(c, ConfigTables.STAGE_TOPICS, rows.stageTopics());
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static <R> void insert(Connection c, TableSpec<R> spec, List<R> rows) throws SQLException {
    spec.insert(c, rows);
  }
}
