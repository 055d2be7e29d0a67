package io.loom.quickstart;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.SqlIdentifiers;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.Transformation;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Creates the target tables of a configuration, one column per field mapping with the PostgreSQL type
 * its data type suggests, the upsert key as primary key. Design note: Loom never creates tables (a
 * deployment owns its schema); the quick start does, so that the sample runs on an empty database. The
 * battery table refuses impossible levels with a CHECK constraint, to show rows the database rejects
 * going to the dead-letter topic.
 */
final class SampleTables {
  private SampleTables() {}

  static List<String> create(DataSource dataSource, ConfigSnapshot snapshot) throws SQLException {
    List<String> created = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (TopicMapping mapping : snapshot.mappings()) {
        s.execute(ddl(mapping));
        created.add(mapping.table());
      }
    }
    return created;
  }

  static String ddl(TopicMapping mapping) {
    StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(SqlIdentifiers.quote(mapping.table()))
        .append(" (");
    for (int i = 0; i < mapping.fields().size(); i++) {
      FieldMapping f = mapping.fields().get(i);
      sb.append(i == 0 ? "" : ", ").append(SqlIdentifiers.quote(f.targetColumn())).append(' ').append(type(f));
      if (mapping.upsertKey().contains(f.targetColumn())) {
        sb.append(" NOT NULL");
      }
    }
    if (!mapping.upsertKey().isEmpty()) {
      sb.append(", PRIMARY KEY (")
          .append(String.join(", ", mapping.upsertKey().stream().map(SqlIdentifiers::quote).toList())).append(')');
    }
    if (mapping.table().equals("device_power_battery_raw")) {
      sb.append(", CHECK (level BETWEEN 0 AND 100)");
    }
    return sb.append(')').toString();
  }

  private static String type(FieldMapping field) {
    if (field.transformation() == Transformation.BASE64_DECODE) {
      return "bytea";
    }
    if (field.transformation() == Transformation.JSON_STRINGIFY) {
      return "jsonb";
    }
    DataType type = field.dataType();
    return switch (type) {
      case STRING -> "text";
      case INTEGER -> "bigint";
      case FLOAT -> "double precision";
      case BOOLEAN -> "boolean";
      case TIMESTAMP -> "timestamptz";
      case ARRAY -> "text[]";
      case FLOAT_ARRAY -> "double precision[]";
      case JSON -> "jsonb";
    };
  }
}
