package io.loom.systemtests.corpus;

import static io.loom.systemtests.corpus.CorpusFixtures.PATIENCE;
import static io.loom.systemtests.corpus.CorpusFixtures.consumer;
import static io.loom.systemtests.corpus.CorpusFixtures.kafka;
import static io.loom.systemtests.corpus.CorpusFixtures.postgres;
import static io.loom.testsupport.Sql.count;
import static io.loom.testsupport.Sql.rows;
import static io.loom.testsupport.Sql.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.LoomConsumer;
import io.loom.consumer.admin.ConfigIssue;
import io.loom.consumer.admin.ReloadResult;
import io.loom.consumer.admin.StatusView;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.jdbc.JdbcConfigWriter;
import io.loom.mapping.jdbc.JdbcMappingSource;
import io.loom.mapping.jdbc.Migrator;
import io.loom.mapping.yaml.YamlMappingSource;
import io.loom.systemtests.corpus.BadConfigurations.Entry;
import io.loom.systemtests.corpus.BadConfigurations.Field;
import io.loom.testsupport.Sql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every entry of {@link BadConfigurations#corpus()}, applied to a running {@link LoomConsumer} as a
 * rewritten YAML file and as rows of the configuration tables, then the entries only a file ({@link
 * BadConfigurations#yamlCorpus()}) or only the tables ({@link BadConfigurations#rowCorpus()}) can hold: each
 * reload is refused with the entry's
 * problem and location, {@code status()} shows it, the configuration in force keeps its fingerprint and
 * messages keep landing in its table; no injection attempt reaches the database.
 */
class BadConfigurationCorpusTest {
  private static final String GOOD_TABLE = "cfg_good";

  private static HikariDataSource db;

  @TempDir
  Path dir;

  @BeforeAll
  static void database() {
    db = CorpusFixtures.pool(postgres().createDatabase("corpus_configs"));
    Migrator.migrate(db);
    sql(db, BadConfigurations.tableDdl(), "CREATE TABLE " + BadConfigurations.VICTIM + " (id int)",
        "CREATE TABLE " + GOOD_TABLE + " (device_id text NOT NULL, \"timestamp\" timestamptz NOT NULL,"
            + " value double precision, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,"
            + " PRIMARY KEY (device_id, \"timestamp\"))");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void badYamlConfigurations_areRefusedWithTheirFileLine_whileTheRunningOneCarriesOn() throws Exception {
    String good = kafka().createTopic(kafka().uniqueTopic("cfgyamlgood"), 1);
    String bad = kafka().uniqueTopic("cfgyamlbad");
    Path file = dir.resolve("topic_mappings.yml");
    write(file, "format: loom\nversion: 1\nmappings:\n" + goodYaml(good));

    try (YamlMappingSource source = YamlMappingSource.builder(file).pollInterval(Duration.ofMillis(200)).build();
        LoomConsumer consumer = consumer(source, db, "corpus-configs-yaml").configPollInterval(Duration.ZERO)
            .build()) {
      Probe probe = new Probe(consumer, good);
      consumer.start();
      probe.flows();

      SoftAssertions softly = new SoftAssertions();
      for (Entry e : BadConfigurations.corpus()) {
        Yaml yaml = yaml(good, bad, e);
        write(file, yaml.text());
        String location = e.live() ? null : "topic_mappings.yml:" + yaml.line(e.path());
        probe.refused(softly, e, new ConfigIssue(location, "mappings[" + bad + "]." + e.path(), e.message()));
      }
      for (BadConfigurations.YamlEntry e : BadConfigurations.yamlCorpus()) {
        List<String> lines = new ArrayList<>(List.of("format: loom", "version: 1", "mappings:"));
        lines.addAll(goodYaml(good).lines().toList());
        int first = lines.size();
        e.lines().forEach(line -> lines.add(line.replace("%s", bad)));
        write(file, String.join("\n", lines) + "\n");
        probe.refused(softly, e.name(), new ConfigIssue("topic_mappings.yml:" + (first + e.faultyLine() + 1),
            e.path().replace("%s", bad), e.message()));
      }
      softly.assertAll();
    }
    assertThat(count(db, "SELECT count(*) FROM pg_tables WHERE tablename IN ('" + BadConfigurations.VICTIM + "', '"
        + BadConfigurations.TABLE + "', '" + GOOD_TABLE + "')")).isEqualTo(3);
  }

  @Test
  void badConfigurationRows_areRefusedNamingTheRow_whileTheRunningOneCarriesOn() throws Exception {
    String good = kafka().createTopic(kafka().uniqueTopic("cfgdbgood"), 1);
    String bad = kafka().uniqueTopic("cfgdbbad");
    new JdbcConfigWriter(db).apply(new ConfigSnapshot(List.of(TopicDefinition.of(good, "good topic")), List.of(),
        List.of(goodMapping(good)), List.of()));

    try (JdbcMappingSource source = JdbcMappingSource.builder(db).debounce(Duration.ofMillis(100)).build();
        LoomConsumer consumer = consumer(source, db, "corpus-configs-db").configPollInterval(Duration.ZERO).build()) {
      Probe probe = new Probe(consumer, good);
      consumer.start();
      probe.flows();

      SoftAssertions softly = new SoftAssertions();
      for (Entry e : BadConfigurations.corpus()) {
        String constraint = BadConfigurations.rowConstraint(e);
        try {
          List<Integer> ids = insertRows(bad, e);
          softly.assertThat(constraint).as("rows of %s went in", e.name()).isNull();
          String location = e.live() ? null : rowOf(bad, e, ids);
          probe.refused(softly, e, new ConfigIssue(location, "mappings[" + bad + "]." + e.path(), e.message()));
        } catch (SQLException refusedByTheSchema) {
          softly.assertThat(refusedByTheSchema.getMessage()).as("rows of %s refused by the schema", e.name())
              .contains("violates check constraint \"" + constraint + "\"");
          probe.carriesOn(softly, e.name());
        } finally {
          sql(db, "DELETE FROM kafka_topics WHERE topic_name = '" + bad + "'");
        }
      }
      for (BadConfigurations.RowEntry e : BadConfigurations.rowCorpus()) {
        try {
          // one transaction, as a user's SQL would add a mapping: the reload sees all of it or none
          Sql.transaction(db, e.statements().stream().map(statement -> String.format(Locale.ROOT, statement, bad))
              .toArray(String[]::new));
          String location = e.location();
          for (List<Object> row : rows(db, "SELECT target_column, id FROM topic_field_mappings"
              + " WHERE topic_name = '" + bad + "'")) {
            location = location.replace("{id:" + row.get(0) + "}", String.valueOf(row.get(1)));
          }
          probe.refused(softly, e.name(), new ConfigIssue(location.replace("%s", bad), e.path().replace("%s", bad),
              e.message().replace("%s", bad)));
        } finally {
          sql(db, "DELETE FROM kafka_topics WHERE topic_name = '" + bad + "'");
        }
      }
      softly.assertAll();
    }
    assertThat(count(db, "SELECT count(*) FROM pg_tables WHERE tablename IN ('" + BadConfigurations.VICTIM + "', '"
        + BadConfigurations.TABLE + "', '" + GOOD_TABLE + "')")).isEqualTo(3);
  }

  /** Refusals and the traffic that must go on meanwhile. */
  private static final class Probe {
    private final LoomConsumer consumer;
    private final String topic;
    private String fingerprint;
    private int produced;

    Probe(LoomConsumer consumer, String topic) {
      this.consumer = consumer;
      this.topic = topic;
    }

    /** Produces two messages to the good topic and waits until they are in its table. */
    void flows() {
      for (int i = 0; i < 2; i++) {
        kafka().produce(topic, topic, String.format(Locale.ROOT,
            "{\"device_id\":\"%s\",\"timestamp\":\"2026-11-27T12:00:%02d.%03dZ\",\"value\":%d}",
            topic, produced / 1000, produced % 1000, produced));
        produced++;
      }
      int expected = produced;
      await().atMost(PATIENCE).until(() -> count(db, "SELECT count(*) FROM " + GOOD_TABLE
          + " WHERE device_id = '" + topic + "'") == expected);
      if (fingerprint == null) {
        fingerprint = consumer.configuration().fingerprint();
      }
    }

    void refused(SoftAssertions softly, Entry e, ConfigIssue expected) {
      refused(softly, e.name(), expected);
    }

    void refused(SoftAssertions softly, String name, ConfigIssue expected) {
      ReloadResult result = consumer.reloadConfig();
      String shown = result.problems().stream().map(p -> p.location() + " | " + p.path() + " | " + p.message())
          .collect(Collectors.joining("\n    "));
      softly.assertThat(result.outcome()).as("outcome of %s:\n    %s", name, shown)
          .isEqualTo(ReloadResult.Outcome.REFUSED);
      softly.assertThat(result.problems()).as("problems of %s:\n    %s", name, shown).hasSize(1);
      if (!result.problems().isEmpty()) {
        ConfigIssue p = result.problems().get(0);
        softly.assertThat(p.location()).as("location of %s:\n    %s", name, shown).isEqualTo(expected.location());
        softly.assertThat(p.path()).as("path of %s:\n    %s", name, shown).isEqualTo(expected.path());
        softly.assertThat(p.message()).as("message of %s:\n    %s", name, shown).contains(expected.message());
      }
      StatusView.ConfigStatus status = consumer.status().config();
      softly.assertThat(status.lastRefusedReload()).as("refusal of %s in status()", name).isNotNull();
      if (status.lastRefusedReload() != null) {
        softly.assertThat(status.lastRefusedReload().problems()).as("problems of %s in status()", name)
            .isEqualTo(result.problems());
      }
      carriesOn(softly, name);
    }

    void carriesOn(SoftAssertions softly, String name) {
      softly.assertThat(consumer.status().config().fingerprint()).as("fingerprint after %s", name)
          .isEqualTo(fingerprint);
      flows();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The configuration as YAML

  /** A YAML text and the line of each key of the bad mapping. */
  private record Yaml(String text, int tableLine, int keyLine, int strategyLine, List<Integer> fieldLines) {
    int line(String path) {
      if (path.startsWith("fields[")) {
        return fieldLines.get(Integer.parseInt(path.substring(7, path.indexOf(']'))));
      }
      return switch (path) {
        case "table_name" -> tableLine;
        case "upsert_key" -> keyLine;
        case "conflict_strategy" -> strategyLine;
        default -> throw new IllegalArgumentException("no line for path " + path);
      };
    }
  }

  private static String goodYaml(String topic) {
    return "  - topic_name: " + topic + "\n"
        + "    table_name: " + GOOD_TABLE + "\n"
        + "    upsert_key: [device_id, timestamp]\n"
        + "    fields:\n"
        + "      - {source_field_path: device_id, target_column: device_id, data_type: string, is_required: true}\n"
        + "      - {source_field_path: timestamp, target_column: timestamp, data_type: timestamp, is_required: true}\n"
        + "      - {source_field_path: value, target_column: value, data_type: float}\n"
        + "      - {source_field_path: $kafka.partition, target_column: kafka_partition, data_type: integer}\n"
        + "      - {source_field_path: $kafka.offset, target_column: kafka_offset, data_type: integer}\n";
  }

  private static Yaml yaml(String good, String bad, Entry e) {
    List<String> lines = new ArrayList<>(List.of("format: loom", "version: 1", "mappings:"));
    lines.addAll(goodYaml(good).lines().toList());
    lines.add("  - topic_name: " + bad);
    lines.add("    table_name: " + quoted(e.table()));
    int table = lines.size();
    lines.add("    upsert_key: [" + e.upsertKey().stream().map(BadConfigurationCorpusTest::quoted)
        .collect(Collectors.joining(", ")) + "]");
    int key = lines.size();
    lines.add("    conflict_strategy: " + quoted(e.strategy()));
    int strategy = lines.size();
    lines.add("    fields:");
    List<Integer> fieldLines = new ArrayList<>();
    for (Field f : e.fields()) {
      lines.add("      - {source_field_path: " + quoted(f.path()) + ", target_column: " + quoted(f.column())
          + ", data_type: " + quoted(f.type()) + (f.transformation() == null ? "" : ", transformation: "
          + quoted(f.transformation())) + ", is_required: " + f.required() + "}");
      fieldLines.add(lines.size());
    }
    return new Yaml(String.join("\n", lines) + "\n", table, key, strategy, fieldLines);
  }

  /** A YAML single-quoted scalar: the text as it is, quotes doubled. */
  private static String quoted(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** Replaces the file atomically, as editors and deployment tools do. */
  private static void write(Path file, String text) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // ---------------------------------------------------------------------------------------------
  // The configuration as rows

  private static TopicMapping goodMapping(String topic) {
    return new TopicMapping(topic, GOOD_TABLE, TopicMapping.DEFAULT_UPSERT_KEY, ConflictStrategy.IGNORE, List.of(
        FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
        FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP).withRequired(true),
        FieldMapping.of("value", "value", DataType.FLOAT),
        FieldMapping.of("$kafka.partition", "kafka_partition", DataType.INTEGER),
        FieldMapping.of("$kafka.offset", "kafka_offset", DataType.INTEGER)));
  }

  /** Writes the entry's rows in one transaction, as a user's SQL would; the triggers notify Loom. */
  private static List<Integer> insertRows(String topic, Entry e) throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO kafka_topics (topic_name, category, source,"
            + " datatype, description) VALUES (?, 'test', 'corpus', 'bad', 'bad configuration corpus')")) {
          st.setString(1, topic);
          st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO topic_table_configs (topic_name, table_name,"
            + " upsert_key, conflict_strategy) VALUES (?, ?, ?, ?)")) {
          st.setString(1, topic);
          st.setString(2, e.table());
          st.setString(3, String.join(", ", e.upsertKey()));
          st.setString(4, e.strategy());
          st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO topic_field_mappings (topic_name, table_name,"
            + " source_field_path, target_column, data_type, transformation, is_required, field_order)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
          int order = 0;
          for (Field f : e.fields()) {
            st.setString(1, topic);
            st.setString(2, e.table());
            st.setString(3, f.path());
            st.setString(4, f.column());
            st.setString(5, f.type());
            st.setString(6, f.transformation());
            st.setBoolean(7, f.required());
            st.setInt(8, order++);
            try (ResultSet rs = st.executeQuery()) {
              rs.next();
              ids.add(rs.getInt(1));
            }
          }
        }
        c.commit();
      } catch (SQLException ex) {
        c.rollback();
        throw ex;
      }
    }
    return ids;
  }

  private static String rowOf(String topic, Entry e, List<Integer> ids) {
    if (e.path().startsWith("fields[")) {
      int i = Integer.parseInt(e.path().substring(7, e.path().indexOf(']')));
      return "topic_field_mappings(id=" + ids.get(i) + ", topic_name=" + topic + ", target_column="
          + e.fields().get(i).column() + ")";
    }
    return "topic_table_configs(topic_name=" + topic + ")";
  }
}
