package io.loom.consumer.settings;

import io.loom.consumer.settings.internal.PropertiesFile;
import io.loom.mapping.internal.Suggestions;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The resolved, validated settings of the standalone service: an immutable view over every {@link
 * Setting}. Values come from, in order of precedence: command-line flags (or values the embedding
 * application sets) &gt; the properties file ({@code --config-file loom.properties}, or {@code
 * LOOM_CONFIG_FILE}) &gt; the environment &gt; the defaults. A blank value counts as not given.
 *
 * <pre>{@code
 * LoomSettings settings = LoomSettings.builder()
 *     .environment(System.getenv())
 *     .propertiesFile(Path.of("loom.properties"))
 *     .argument(Setting.GROUP_ID, "ingest-test")
 *     .build();
 * int rows = settings.batchMaxRows();
 * }</pre>
 *
 * <p>{@link Builder#build()} reports every problem at once, each naming the setting as it was given, its
 * value and the rule. Kafka client properties (security, SASL, timeouts) pass through from properties
 * {@code loom.kafka.client.<kafka.property>} and environment variables {@code
 * LOOM_KAFKA_CLIENT_<KAFKA_PROPERTY>} (upper case, dots as underscores); see {@link
 * #kafkaClientProperties()}.
 *
 * <p>Secrets (the admin token, the database password, passwords in the database URL, secret-looking
 * Kafka client properties) are masked in {@link #toString()}, {@link #describe()} and {@link
 * #display(Setting)}. Instances are immutable and thread-safe.
 */
public final class LoomSettings {
  /** The environment variable that names the properties file when no {@code --config-file} is given. */
  public static final String CONFIG_FILE_ENV = "LOOM_CONFIG_FILE";

  /** Property prefix of Kafka client properties passed through: {@code loom.kafka.client.security.protocol}. */
  public static final String KAFKA_CLIENT_PROPERTY_PREFIX = "loom.kafka.client.";

  /** Environment prefix of Kafka client properties: {@code LOOM_KAFKA_CLIENT_SECURITY_PROTOCOL}. */
  public static final String KAFKA_CLIENT_ENV_PREFIX = "LOOM_KAFKA_CLIENT_";

  /** Kafka client properties Loom sets itself, and the setting to use instead where there is one. */
  private static final Map<String, String> RESERVED_KAFKA_PROPERTIES = Map.of(
      "bootstrap.servers", "use " + Setting.KAFKA_BOOTSTRAP_SERVERS.env() + " instead",
      "group.id", "use " + Setting.GROUP_ID.env() + " instead",
      "max.poll.records", "use " + Setting.MAX_POLL_RECORDS.env() + " instead",
      "enable.auto.commit", "Loom stores offsets in the database with the rows",
      "auto.commit.interval.ms", "Loom stores offsets in the database with the rows",
      "key.deserializer", "Loom reads raw bytes",
      "value.deserializer", "Loom reads raw bytes",
      "key.serializer", "Loom writes raw bytes",
      "value.serializer", "Loom writes raw bytes");

  private static final Pattern SECRET_KAFKA_KEY =
      Pattern.compile("(?i).*(password|secret|jaas|token|credential).*|.*\\.key");

  private record Resolved(Object value, String text, Origin origin) {}

  private final Map<Setting<?>, Resolved> values;
  private final Map<String, Resolved> kafkaClient;
  private final List<String> warnings;

  private LoomSettings(Map<Setting<?>, Resolved> values, Map<String, Resolved> kafkaClient, List<String> warnings) {
    this.values = values;
    this.kafkaClient = kafkaClient;
    this.warnings = List.copyOf(warnings);
  }

  /** The defaults only. */
  public static LoomSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The value of a setting: the given one, else its default; {@code null} if neither exists. */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    Resolved r = values.get(setting);
    return r == null ? null : (T) r.value();
  }

  /** The value of a setting, empty if it has none (not given and no default). */
  public <T> Optional<T> find(Setting<T> setting) {
    return Optional.ofNullable(get(setting));
  }

  /** Where the value came from; {@link Origin.Kind#DEFAULT} for defaults and unset settings. */
  public Origin origin(Setting<?> setting) {
    Resolved r = values.get(setting);
    return r == null ? new Origin(Origin.Kind.DEFAULT, setting.property()) : r.origin();
  }

  /** The value as it may be shown (secrets masked), or {@code null} if the setting has no value. */
  public String display(Setting<?> setting) {
    Resolved r = values.get(setting);
    return r == null ? null : setting.display(r.text());
  }

  /** Things that are not errors but look like mistakes (an unknown {@code LOOM_*} variable). */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Extra Kafka client properties to apply to the consumer and the dead-letter producer (security,
   * SASL, SSL, timeouts). Properties Loom controls itself are refused when the settings are built.
   * The values are not masked: do not log this map, log {@link #describe()}.
   */
  public Map<String, String> kafkaClientProperties() {
    Map<String, String> map = new TreeMap<>();
    kafkaClient.forEach((k, v) -> map.put(k, v.text()));
    return Collections.unmodifiableMap(map);
  }

  /**
   * Every setting that has a value, by property name, as it may be shown: secrets are {@code ****},
   * the database URL's password is masked. For logs and {@code /status}.
   */
  public Map<String, String> describe() {
    Map<String, String> map = new LinkedHashMap<>();
    for (Setting<?> s : Setting.all()) {
      String shown = display(s);
      if (shown != null) {
        map.put(s.property(), shown);
      }
    }
    new TreeMap<>(kafkaClient).forEach((k, v) -> map.put(KAFKA_CLIENT_PROPERTY_PREFIX + k,
        SECRET_KAFKA_KEY.matcher(k).matches() ? "****" : v.text()));
    return Collections.unmodifiableMap(map);
  }

  // Typed accessors ------------------------------------------------------------------------------

  /** {@link Setting#USE_DATABASE_CONFIG}. */
  public boolean useDatabaseConfig() {
    return get(Setting.USE_DATABASE_CONFIG);
  }

  /** {@link Setting#YAML_FILE}. */
  public Path yamlFile() {
    return get(Setting.YAML_FILE);
  }

  /** {@link Setting#CONFIG_POLL_INTERVAL}; zero means no polling. */
  public Duration configPollInterval() {
    return get(Setting.CONFIG_POLL_INTERVAL);
  }

  /** {@link Setting#DATABASE_URL}, as given (may carry a password: never log it, use {@link #display}). */
  public Optional<String> databaseUrl() {
    return find(Setting.DATABASE_URL);
  }

  /**
   * The database URL, for a task that cannot run without one.
   *
   * @param task what needs it, for the message: {@code "loom migrate"}
   * @throws InvalidSettingsException naming the three ways to set it
   */
  public String requireDatabaseUrl(String task) {
    return databaseUrl().orElseThrow(() -> new InvalidSettingsException(List.of(
        Setting.DATABASE_URL.env() + " is not set but " + task + " needs the database; set "
            + Setting.DATABASE_URL.env() + ", " + Setting.DATABASE_URL.property() + " in the properties file or "
            + Setting.DATABASE_URL.flag() + ", e.g. postgresql://user:password@localhost:5432/loom")));
  }

  /**
   * Where the mapping configuration comes from, as a location for {@link
   * io.loom.mapping.MappingSources#open(String, Map)}: the database URL when {@link #useDatabaseConfig()},
   * otherwise {@code yaml:<yaml file>}. May carry a password: never log it, log the source's {@code
   * describe()}.
   */
  public String configLocation() {
    return useDatabaseConfig() ? requireDatabaseUrl("reading the configuration from the database")
        : "yaml:" + yamlFile();
  }

  /**
   * The settings to open {@link #configLocation()} with: the database credentials given apart from the
   * URL ({@code user}, {@code password}) when the configuration comes from the database, else none.
   * Holds a secret: never log it.
   */
  public Map<String, String> configSourceSettings() {
    if (!useDatabaseConfig()) {
      return Map.of();
    }
    Map<String, String> map = new TreeMap<>();
    databaseUser().ifPresent(u -> map.put("user", u));
    databasePassword().ifPresent(p -> map.put("password", p));
    return Collections.unmodifiableMap(map);
  }

  /** {@link Setting#DATABASE_USER}. */
  public Optional<String> databaseUser() {
    return find(Setting.DATABASE_USER);
  }

  /** {@link Setting#DATABASE_PASSWORD} (a secret: never log it). */
  public Optional<String> databasePassword() {
    return find(Setting.DATABASE_PASSWORD);
  }

  /** {@link Setting#DATABASE_POOL_SIZE}. */
  public int databasePoolSize() {
    return get(Setting.DATABASE_POOL_SIZE);
  }

  /** {@link Setting#CREATE_MISSING_TABLES}. */
  public boolean createMissingTables() {
    return get(Setting.CREATE_MISSING_TABLES);
  }

  /** {@link Setting#AUTO_MIGRATE}. */
  public boolean autoMigrate() {
    return get(Setting.AUTO_MIGRATE);
  }

  /** {@link Setting#KAFKA_BOOTSTRAP_SERVERS}, one {@code host:port} per element. */
  public List<String> kafkaBootstrapServers() {
    return get(Setting.KAFKA_BOOTSTRAP_SERVERS);
  }

  /** {@link Setting#GROUP_ID}. */
  public String groupId() {
    return get(Setting.GROUP_ID);
  }

  /** {@link Setting#POLL_TIMEOUT}. */
  public Duration pollTimeout() {
    return get(Setting.POLL_TIMEOUT);
  }

  /** {@link Setting#MAX_POLL_RECORDS}. */
  public int maxPollRecords() {
    return get(Setting.MAX_POLL_RECORDS);
  }

  /** {@link Setting#BATCH_MAX_ROWS}. */
  public int batchMaxRows() {
    return get(Setting.BATCH_MAX_ROWS);
  }

  /** {@link Setting#BATCH_MAX_BYTES}. */
  public long batchMaxBytes() {
    return get(Setting.BATCH_MAX_BYTES);
  }

  /** {@link Setting#BATCH_WRITERS}. */
  public int batchWriters() {
    return get(Setting.BATCH_WRITERS);
  }

  /** {@link Setting#BATCH_LINGER}. */
  public Duration batchLinger() {
    return get(Setting.BATCH_LINGER);
  }

  /** {@link Setting#DEAD_LETTER_SUFFIX}. */
  public String deadLetterSuffix() {
    return get(Setting.DEAD_LETTER_SUFFIX);
  }

  /** {@link Setting#RETRY_INITIAL_BACKOFF}. */
  public Duration retryInitialBackoff() {
    return get(Setting.RETRY_INITIAL_BACKOFF);
  }

  /** {@link Setting#RETRY_MAX_BACKOFF}; never shorter than the initial backoff. */
  public Duration retryMaxBackoff() {
    return get(Setting.RETRY_MAX_BACKOFF);
  }

  /** {@link Setting#ADMIN_ENABLED}. */
  public boolean adminEnabled() {
    return get(Setting.ADMIN_ENABLED);
  }

  /** {@link Setting#ADMIN_PORT}. */
  public int adminPort() {
    return get(Setting.ADMIN_PORT);
  }

  /** {@link Setting#ADMIN_BIND_ADDRESS}. */
  public List<String> adminBindAddresses() {
    return get(Setting.ADMIN_BIND_ADDRESS);
  }

  /** {@link Setting#ADMIN_TOKEN} (a secret: never log it). */
  public Optional<String> adminToken() {
    return find(Setting.ADMIN_TOKEN);
  }

  /** {@link Setting#SHUTDOWN_TIMEOUT}. */
  public Duration shutdownTimeout() {
    return get(Setting.SHUTDOWN_TIMEOUT);
  }

  /** Every value with secrets masked. */
  @Override
  public String toString() {
    return describe().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", ", "LoomSettings{", "}"));
  }

  /**
   * Collects values from the sources and resolves them. Not thread-safe; build once, then share the
   * immutable {@link LoomSettings}.
   */
  public static final class Builder {
    private record Raw(String text, Origin origin) {}

    private Map<String, String> environment = Map.of();
    private final List<Path> files = new ArrayList<>();
    private final List<Map.Entry<Setting<?>, String>> arguments = new ArrayList<>();
    private final Map<String, String> kafkaArguments = new LinkedHashMap<>();

    private Builder() {}

    /** The environment variables (usually {@code System.getenv()}); replaces any given before. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    /**
     * A properties file, read by {@link #build()}. Keys are property names ({@code loom.batch.max-rows});
     * environment names are accepted too. Later files win over earlier ones. Without any, the file named
     * by the environment variable {@value LoomSettings#CONFIG_FILE_ENV} is read, if it is set.
     */
    public Builder propertiesFile(Path file) {
      files.add(Objects.requireNonNull(file, "file"));
      return this;
    }

    /** A value given on the command line (or by the embedding application); the highest precedence. */
    public Builder argument(Setting<?> setting, String text) {
      arguments.add(Map.entry(Objects.requireNonNull(setting, "setting"), text == null ? "" : text));
      return this;
    }

    /** A Kafka client property given on the command line; wins over the file and the environment. */
    public Builder kafkaClientProperty(String key, String value) {
      kafkaArguments.put(Objects.requireNonNull(key, "key"), value == null ? "" : value);
      return this;
    }

    /**
     * Resolves every setting.
     *
     * @throws InvalidSettingsException listing every problem: unreadable files, unknown keys in a
     *     file, values that break their rules, rules between settings
     */
    public LoomSettings build() {
      List<String> problems = new ArrayList<>();
      List<String> warnings = new ArrayList<>();
      Map<Setting<?>, Raw> raw = new HashMap<>();
      Map<String, Raw> kafka = new HashMap<>();

      readEnvironment(raw, kafka, warnings);
      List<Path> toRead = new ArrayList<>(files);
      String envFile = environment.get(CONFIG_FILE_ENV);
      if (toRead.isEmpty() && envFile != null && !envFile.isBlank()) {
        toRead.add(Path.of(envFile.trim()));
      }
      for (Path file : toRead) {
        readFile(file, raw, kafka, problems);
      }
      for (Map.Entry<Setting<?>, String> arg : arguments) {
        put(raw, arg.getKey(), arg.getValue(), new Origin(Origin.Kind.ARGUMENT, arg.getKey().flag()));
      }
      kafkaArguments.forEach((k, v) -> putKafka(kafka, k, v, new Origin(Origin.Kind.ARGUMENT, "--kafka-property " + k)));

      Map<Setting<?>, Resolved> values = new LinkedHashMap<>();
      for (Setting<?> s : Setting.all()) {
        Raw r = raw.get(s);
        if (r == null) {
          if (s.defaultValue() != null) {
            values.put(s, new Resolved(s.defaultValue(), s.defaultText(), new Origin(Origin.Kind.DEFAULT, s.property())));
          }
          continue;
        }
        Object value = s.parse(r.text());
        if (value == null) {
          problems.add(r.origin().name() + " was '" + s.display(r.text()) + "' but it " + s.rule());
        } else {
          values.put(s, new Resolved(value, r.text(), r.origin()));
        }
      }
      Map<String, Resolved> kafkaValues = new LinkedHashMap<>();
      new TreeMap<>(kafka).forEach((key, r) -> {
        String reason = RESERVED_KAFKA_PROPERTIES.get(key);
        if (reason != null) {
          problems.add(r.origin().name() + " sets Kafka property '" + key + "' which Loom sets itself; " + reason);
        } else {
          kafkaValues.put(key, new Resolved(r.text(), r.text(), r.origin()));
        }
      });
      checkRelations(values, problems);
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new LoomSettings(Collections.unmodifiableMap(values), Collections.unmodifiableMap(kafkaValues), warnings);
    }

    private void readEnvironment(Map<Setting<?>, Raw> raw, Map<String, Raw> kafka, List<String> warnings) {
      List<String> knownEnv = Setting.all().stream().map(Setting::env).toList();
      for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
        String name = e.getKey();
        Origin origin = new Origin(Origin.Kind.ENVIRONMENT, name);
        Optional<Setting<?>> setting = Setting.all().stream().filter(s -> s.env().equals(name)).findFirst()
            .map(s -> (Setting<?>) s);
        if (setting.isPresent()) {
          put(raw, setting.get(), e.getValue(), origin);
        } else if (name.startsWith(KAFKA_CLIENT_ENV_PREFIX) && name.length() > KAFKA_CLIENT_ENV_PREFIX.length()) {
          String key = name.substring(KAFKA_CLIENT_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
          putKafka(kafka, key, e.getValue(), origin);
        } else if (name.startsWith("LOOM_") && !name.equals(CONFIG_FILE_ENV)) {
          warnings.add("environment variable " + name + " is not a Loom setting"
              + Suggestions.closest(name, knownEnv).map(s -> "; did you mean " + s + "?").orElse(""));
        }
      }
    }

    private void readFile(Path file, Map<Setting<?>, Raw> raw, Map<String, Raw> kafka, List<String> problems) {
      List<PropertiesFile.Entry> entries;
      try {
        entries = PropertiesFile.read(file);
      } catch (NoSuchFileException e) {
        problems.add("properties file " + file + " does not exist");
        return;
      } catch (IOException e) {
        problems.add("properties file " + file + " cannot be read: " + e.getMessage());
        return;
      }
      List<String> knownProperties = Setting.all().stream().map(Setting::property).toList();
      for (PropertiesFile.Entry entry : entries) {
        String where = file + ":" + entry.line();
        if (entry.key().isEmpty()) {
          problems.add(where + ": the line is not a valid property (a malformed \\u escape?)");
          continue;
        }
        Origin origin = new Origin(Origin.Kind.FILE, where + ": " + entry.key());
        if (entry.key().startsWith(KAFKA_CLIENT_PROPERTY_PREFIX)
            && entry.key().length() > KAFKA_CLIENT_PROPERTY_PREFIX.length()) {
          putKafka(kafka, entry.key().substring(KAFKA_CLIENT_PROPERTY_PREFIX.length()), entry.value(), origin);
          continue;
        }
        Optional<Setting<?>> setting = Setting.all().stream()
            .filter(s -> s.property().equals(entry.key()) || s.env().equals(entry.key()))
            .findFirst()
            .map(s -> (Setting<?>) s);
        if (setting.isPresent()) {
          put(raw, setting.get(), entry.value(), origin);
        } else {
          problems.add(where + ": unknown setting '" + entry.key() + "'"
              + Suggestions.closest(entry.key(), knownProperties).map(s -> "; did you mean '" + s + "'?")
                  .orElse("; Kafka client properties take the prefix " + KAFKA_CLIENT_PROPERTY_PREFIX));
        }
      }
    }

    private static void put(Map<Setting<?>, Raw> raw, Setting<?> setting, String text, Origin origin) {
      if (text != null && !text.isBlank()) {
        raw.put(setting, new Raw(text.trim(), origin));
      }
    }

    private static void putKafka(Map<String, Raw> kafka, String key, String text, Origin origin) {
      if (text != null && !text.isBlank()) {
        kafka.put(key, new Raw(text.trim(), origin));
      }
    }

    private static void checkRelations(Map<Setting<?>, Resolved> values, List<String> problems) {
      Resolved initial = values.get(Setting.RETRY_INITIAL_BACKOFF);
      Resolved max = values.get(Setting.RETRY_MAX_BACKOFF);
      if (initial != null && max != null && ((Duration) max.value()).compareTo((Duration) initial.value()) < 0) {
        problems.add(max.origin().name() + " was '" + max.text() + "' but it must not be shorter than "
            + initial.origin().name() + " ('" + initial.text() + "')");
      }
      Resolved writers = values.get(Setting.BATCH_WRITERS);
      Resolved pool = values.get(Setting.DATABASE_POOL_SIZE);
      if (writers != null && pool != null && (Integer) writers.value() > (Integer) pool.value()) {
        problems.add(writers.origin().name() + " was '" + writers.text() + "' but it must not exceed "
            + pool.origin().name() + " ('" + pool.text() + "'): every writer holds a connection of the pool");
      }
      Resolved useDatabase = values.get(Setting.USE_DATABASE_CONFIG);
      if (useDatabase != null && (Boolean) useDatabase.value() && !values.containsKey(Setting.DATABASE_URL)) {
        problems.add(useDatabase.origin().name() + " is true but " + Setting.DATABASE_URL.env()
            + " is not set; it must name the database that holds the configuration tables");
      }
    }
  }
}
