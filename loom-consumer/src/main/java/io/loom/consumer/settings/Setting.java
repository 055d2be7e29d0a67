package io.loom.consumer.settings;

import io.loom.consumer.settings.internal.ValueType;
import io.loom.mapping.internal.Redaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One setting of the standalone service: its property name ({@code loom.database.url}), environment
 * variable ({@code LOOM_DATABASE_URL}), command-line flag ({@code --database-url}), type, default,
 * documentation line and whether it is secret. The constants of this class are the registry of
 * every setting Loom reads; {@link LoomSettings} resolves their values and {@link #markdownTable()}
 * documents them.
 *
 * <p>The environment names of the original deployments are kept exactly: {@code USE_DATABASE_CONFIG},
 * {@code LOOM_DATABASE_URL}, {@code LOOM_KAFKA_BOOTSTRAP_SERVERS} and {@code KAFKA_GROUP_ID}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {

  /** Which part of the service a setting belongs to; orders the documentation and the help. */
  public enum Group {
    CONFIGURATION("Configuration source"),
    DATABASE("Database"),
    KAFKA("Kafka"),
    BATCHING("Batching and delivery"),
    ADMIN("Admin HTTP API"),
    SERVICE("Service");

    private final String title;

    Group(String title) {
      this.title = title;
    }

    /** A heading for help and documentation. */
    public String title() {
      return title;
    }
  }

  private static final List<Setting<?>> ALL = new ArrayList<>();

  // Configuration source -------------------------------------------------------------------------

  /** Where the mapping configuration comes from: the database's tables (true) or a YAML file (false). */
  public static final Setting<Boolean> USE_DATABASE_CONFIG = new Setting<>(
      "loom.config.use-database", "USE_DATABASE_CONFIG", "--use-database-config", Group.CONFIGURATION,
      ValueType.bool(), "false", false,
      "Read the mapping configuration from the database's configuration tables (true) or from the YAML file"
          + " (false). Off by default so that a bare start reads the YAML file; database deployments set it to"
          + " true explicitly.");

  /** The YAML configuration file. */
  public static final Setting<Path> YAML_FILE = new Setting<>(
      "loom.config.yaml-file", "LOOM_CONFIG_YAML_FILE", "--yaml-file", Group.CONFIGURATION,
      ValueType.path(), "config/topic_mappings.yml", false,
      "The YAML configuration file, read when USE_DATABASE_CONFIG is false.");

  /** How often the configuration source is polled for changes. */
  public static final Setting<Duration> CONFIG_POLL_INTERVAL = new Setting<>(
      "loom.config.poll-interval", "LOOM_CONFIG_POLL_INTERVAL", "--config-poll-interval", Group.CONFIGURATION,
      ValueType.duration(true), "30s", false,
      "How often the configuration is re-read to pick up changes, in addition to change notifications (file"
          + " changes, database NOTIFY); 0 turns polling off.");

  // Database --------------------------------------------------------------------------------------

  /** The database that receives rows and holds the configuration tables and stored offsets. */
  public static final Setting<String> DATABASE_URL = new Setting<>(
      "loom.database.url", "LOOM_DATABASE_URL", "--database-url", Group.DATABASE,
      ValueType.postgresUrl(), null, false,
      "The PostgreSQL/TimescaleDB database that receives the rows and holds the configuration tables and the"
          + " stored offsets: postgresql://user:password@host:5432/db or a JDBC URL. The password is masked"
          + " wherever the URL is shown.");

  /** The database user, when the URL names none. */
  public static final Setting<String> DATABASE_USER = new Setting<>(
      "loom.database.user", "LOOM_DATABASE_USER", "--database-user", Group.DATABASE,
      ValueType.text(), null, false,
      "The database user, when the URL names none.");

  /** The database password, when the URL carries none. */
  public static final Setting<String> DATABASE_PASSWORD = new Setting<>(
      "loom.database.password", "LOOM_DATABASE_PASSWORD", "--database-password", Group.DATABASE,
      ValueType.text(), null, true,
      "The database password, when the URL carries none.");

  /** The connection pool size. */
  public static final Setting<Integer> DATABASE_POOL_SIZE = new Setting<>(
      "loom.database.pool-size", "LOOM_DATABASE_POOL_SIZE", "--database-pool-size", Group.DATABASE,
      ValueType.positiveInt(), "4", false,
      "The maximum number of database connections (batch writes, configuration reads).");

  /** Whether Loom's tables are migrated at start. */
  public static final Setting<Boolean> AUTO_MIGRATE = new Setting<>(
      "loom.database.auto-migrate", "LOOM_DATABASE_AUTO_MIGRATE", "--auto-migrate", Group.DATABASE,
      ValueType.bool(), "true", false,
      "Apply pending migrations of Loom's tables (configuration schema, stored offsets) at start. Set it to"
          + " false where schema changes are applied separately with `loom migrate`.");

  /** Whether missing target tables are created from their mappings. */
  public static final Setting<Boolean> CREATE_MISSING_TABLES = new Setting<>(
      "loom.tables.create-missing", "LOOM_TABLES_CREATE_MISSING", "--create-missing-tables", Group.DATABASE,
      ValueType.bool(), "true", false,
      "Create a mapping's target table on its first write when it does not exist: the mapped columns with the"
          + " natural PostgreSQL type of their data type (string text, integer bigint, float double precision,"
          + " timestamp timestamptz, json jsonb, ...), the upsert key's columns NOT NULL and its primary key. Set it"
          + " to false to have a missing table refused like any other table problem.");

  // Kafka -----------------------------------------------------------------------------------------

  /** The Kafka brokers. */
  public static final Setting<List<String>> KAFKA_BOOTSTRAP_SERVERS = new Setting<>(
      "loom.kafka.bootstrap-servers", "LOOM_KAFKA_BOOTSTRAP_SERVERS", "--kafka-bootstrap-servers", Group.KAFKA,
      ValueType.hostPortList(), "localhost:9092", false,
      "The Kafka brokers to connect to, host:port[,host:port...].");

  /** The consumer group. */
  public static final Setting<String> GROUP_ID = new Setting<>(
      "loom.kafka.group-id", "KAFKA_GROUP_ID", "--group-id", Group.KAFKA,
      ValueType.text(), "generic-kafka-to-db-consumer", false,
      "The Kafka consumer group. Instances with the same group share the partitions.");

  /** How long one poll waits for records. */
  public static final Setting<Duration> POLL_TIMEOUT = new Setting<>(
      "loom.kafka.poll-timeout", "LOOM_KAFKA_POLL_TIMEOUT", "--poll-timeout", Group.KAFKA,
      ValueType.duration(false), "500ms", false,
      "How long one poll waits for records when none are ready.");

  /** The most records one poll returns. */
  public static final Setting<Integer> MAX_POLL_RECORDS = new Setting<>(
      "loom.kafka.max-poll-records", "LOOM_KAFKA_MAX_POLL_RECORDS", "--max-poll-records", Group.KAFKA,
      ValueType.positiveInt(), "5000", false,
      "The most records one poll returns (Kafka's max.poll.records).");

  // Batching and delivery -------------------------------------------------------------------------

  /** The most rows in one database write. */
  public static final Setting<Integer> BATCH_MAX_ROWS = new Setting<>(
      "loom.batch.max-rows", "LOOM_BATCH_MAX_ROWS", "--batch-max-rows", Group.BATCHING,
      ValueType.positiveInt(), "10000", false,
      "A batch (one transaction of one writer) is written once it holds this many rows.");

  /** The most payload bytes in one database write. */
  public static final Setting<Long> BATCH_MAX_BYTES = new Setting<>(
      "loom.batch.max-bytes", "LOOM_BATCH_MAX_BYTES", "--batch-max-bytes", Group.BATCHING,
      ValueType.byteSize(), "32MB", false,
      "Batches are written once all the batches held (being filled or being written) add up to this many bytes;"
          + " bounds memory whatever the input rate.");

  /** How many connections write batches in parallel. */
  public static final Setting<Integer> BATCH_WRITERS = new Setting<>(
      "loom.batch.writers", "LOOM_BATCH_WRITERS", "--batch-writers", Group.BATCHING,
      ValueType.positiveInt(), "2", false,
      "How many database connections write batches in parallel. The assigned partitions are spread over them;"
          + " each writes its partitions' rows and offsets in its own transactions while the next batches are"
          + " read and mapped. At most `loom.database.pool-size`.");

  /** How long a partial batch waits for more records. */
  public static final Setting<Duration> BATCH_LINGER = new Setting<>(
      "loom.batch.linger", "LOOM_BATCH_LINGER", "--batch-linger", Group.BATCHING,
      ValueType.duration(true), "200ms", false,
      "How long a partly filled batch waits for more records before it is written; 0 writes after every poll.");

  /** The dead-letter topic suffix. */
  public static final Setting<String> DEAD_LETTER_SUFFIX = new Setting<>(
      "loom.dead-letter.suffix", "LOOM_DEAD_LETTER_SUFFIX", "--dead-letter-suffix", Group.BATCHING,
      ValueType.topicSuffix(), ".dlq", false,
      "Rejected messages of topic T go to T plus this suffix, unless the mapping or the pipeline names"
          + " another dead-letter topic.");

  /** The first pause after a transient failure. */
  public static final Setting<Duration> RETRY_INITIAL_BACKOFF = new Setting<>(
      "loom.retry.initial-backoff", "LOOM_RETRY_INITIAL_BACKOFF", "--retry-initial-backoff", Group.BATCHING,
      ValueType.duration(false), "1s", false,
      "The first pause after a transient failure (database or broker unreachable); it doubles on each retry.");

  /** The longest pause between retries. */
  public static final Setting<Duration> RETRY_MAX_BACKOFF = new Setting<>(
      "loom.retry.max-backoff", "LOOM_RETRY_MAX_BACKOFF", "--retry-max-backoff", Group.BATCHING,
      ValueType.duration(false), "1m", false,
      "The longest pause between retries of a transient failure. Nothing is skipped while retrying.");

  // Admin HTTP API --------------------------------------------------------------------------------

  /** Whether the admin HTTP API runs. */
  public static final Setting<Boolean> ADMIN_ENABLED = new Setting<>(
      "loom.admin.enabled", "LOOM_ADMIN_ENABLED", "--admin-enabled", Group.ADMIN,
      ValueType.bool(), "true", false,
      "Serve the admin HTTP API (/healthz, /readyz, /status, /topics, /validate-config, /reload-config,"
          + " /metrics).");

  /** The admin HTTP port. */
  public static final Setting<Integer> ADMIN_PORT = new Setting<>(
      "loom.admin.port", "LOOM_ADMIN_PORT", "--admin-port", Group.ADMIN,
      ValueType.port(), "8001", false,
      "The admin HTTP API's port.");

  /** The admin HTTP bind addresses. */
  public static final Setting<List<String>> ADMIN_BIND_ADDRESS = new Setting<>(
      "loom.admin.bind-address", "LOOM_ADMIN_BIND_ADDRESS", "--admin-bind-address", Group.ADMIN,
      ValueType.hostList(), "localhost", false,
      "The addresses the admin HTTP API listens on, comma-separated. `localhost` listens on every loopback"
          + " address the name resolves to (127.0.0.1 and ::1 where it has both), so it is reachable from this"
          + " host only; 0.0.0.0 listens on every interface.");

  /** The bearer token that POST /reload-config requires. */
  public static final Setting<String> ADMIN_TOKEN = new Setting<>(
      "loom.admin.token", "LOOM_ADMIN_TOKEN", "--admin-token", Group.ADMIN,
      ValueType.text(), null, true,
      "When set, POST /reload-config requires the header `Authorization: Bearer <token>`. Prefer the"
          + " environment or the properties file to the flag, which other users can see in the process list.");

  // Service ---------------------------------------------------------------------------------------

  /** How long a stop may take. */
  public static final Setting<Duration> SHUTDOWN_TIMEOUT = new Setting<>(
      "loom.shutdown.timeout", "LOOM_SHUTDOWN_TIMEOUT", "--shutdown-timeout", Group.SERVICE,
      ValueType.duration(false), "30s", false,
      "How long a stop (SIGTERM) may take to finish the current batch, commit it and close connections.");

  private final String property;
  private final String env;
  private final String flag;
  private final Group group;
  private final ValueType<T> type;
  private final String defaultText;
  private final T defaultValue;
  private final boolean secret;
  private final String doc;

  private Setting(
      String property, String env, String flag, Group group, ValueType<T> type, String defaultText, boolean secret,
      String doc) {
    this.property = property;
    this.env = env;
    this.flag = flag;
    this.group = group;
    this.type = type;
    this.defaultText = defaultText;
    this.defaultValue = defaultText == null ? null : type.parse(defaultText);
    if (defaultText != null && defaultValue == null) {
      throw new IllegalStateException("default '" + defaultText + "' of " + property + " breaks its own rule: "
          + type.rule());
    }
    this.secret = secret;
    this.doc = doc;
    ALL.add(this);
  }

  /** Every setting, in documentation order. */
  public static List<Setting<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  /** The settings of some groups, in documentation order. */
  public static List<Setting<?>> of(Group... groups) {
    List<Group> wanted = List.of(groups);
    return ALL.stream().filter(s -> wanted.contains(s.group)).toList();
  }

  /** The setting with this property name, environment variable name or flag. */
  public static Optional<Setting<?>> find(String name) {
    for (Setting<?> s : ALL) {
      if (s.property.equals(name) || s.env.equals(name) || s.flag.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The property name, as used in a properties file: {@code loom.database.url}. */
  public String property() {
    return property;
  }

  /** The environment variable: {@code LOOM_DATABASE_URL}. */
  public String env() {
    return env;
  }

  /** The command-line flag: {@code --database-url}. */
  public String flag() {
    return flag;
  }

  public Group group() {
    return group;
  }

  /** A short type name for documentation: {@code boolean}, {@code duration}, {@code integer}, ... */
  public String typeName() {
    return type.name();
  }

  /** The rule a value must follow, completing "it ...": {@code must be a positive integer}. */
  public String rule() {
    return type.rule();
  }

  /** The default as text, or {@code null} if the setting has none (it is then unset unless given). */
  public String defaultText() {
    return defaultText;
  }

  /** The default value, or {@code null} if there is none. */
  public T defaultValue() {
    return defaultValue;
  }

  /** Whether the value is a secret: it is shown as {@code ****} in logs, {@code toString()} and {@code /status}. */
  public boolean secret() {
    return secret;
  }

  /** One documentation line. */
  public String doc() {
    return doc;
  }

  /**
   * Parses a value.
   *
   * @return the value, or {@code null} if {@code text} breaks {@link #rule()}
   */
  T parse(String text) {
    return type.parse(text);
  }

  /**
   * The text of a value as it may be shown: {@code ****} for a secret, the URL with its password masked
   * for the database URL, otherwise the text itself.
   */
  public String display(String text) {
    if (text == null) {
      return null;
    }
    if (secret) {
      return "****";
    }
    return this == DATABASE_URL ? Redaction.mask(text) : text;
  }

  /**
   * The Markdown table of every setting (environment variable, property, flag, default, description),
   * grouped as in {@link Group}; the README's settings table is this text.
   */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| Environment variable | Property | Flag | Default | Description |\n");
    sb.append("|---|---|---|---|---|\n");
    Group current = null;
    for (Setting<?> s : ALL) {
      if (s.group != current) {
        current = s.group;
        sb.append("| **").append(current.title()).append("** | | | | |\n");
      }
      sb.append("| `").append(s.env).append("` | `").append(s.property).append("` | `").append(s.flag)
          .append("` | ").append(s.defaultText == null ? "(none)" : "`" + s.defaultText + "`").append(" | ")
          .append(escape(s.doc));
      if (s.secret) {
        sb.append(" Secret: shown as `****`.");
      }
      sb.append(" |\n");
    }
    return sb.toString();
  }

  private static String escape(String text) {
    return text.replace("|", "\\|");
  }

  @Override
  public String toString() {
    return property;
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(property);
  }
}
