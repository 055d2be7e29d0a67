package io.loom.consumer.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.OutputFormat;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import io.loom.mapping.Column;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingError;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.RowSink;
import io.loom.mapping.SchemaValidation;
import io.loom.mapping.SourceRecord;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON Schema validation of messages whose mapping asks for it ({@link SchemaValidation#enabled()}):
 * each message is checked against its topic's schema (the version its {@code version_field} or
 * {@code version_header} names, else the current one) before it is mapped; a message that breaks it is
 * refused with a {@link MappingError.Kind#SCHEMA_VIOLATION} error whose path is the JSON pointer of the
 * first violation and whose rule lists every violation as {@code pointer: message} (bounded, see
 * {@link #violation}). Drafts 2020-12 and 7 (and 4, 6, 2019-09) are told apart by {@code $schema}; a
 * schema without {@code $schema} is read as draft 2020-12.
 *
 * <p>Design note: validation needs a tree of the message, so it is a decorator around the streaming
 * mapper, paid for only by topics that ask for it. A message is first checked with the boolean output
 * (fails fast, builds no messages); only a message that fails is validated again to collect its
 * violations. A schema that uses only the keywords {@link FastSchema} handles is also compiled for it, and
 * a message is then first checked in one streaming pass over its bytes, without a tree; only a message the
 * fast path does not accept (invalid, or a case it leaves to networknt) takes the tree path above, so
 * errors are the same either way. Which path a topic's schema version takes is logged at DEBUG when the
 * mapper is built. Schemas are compiled when a configuration is prepared (so a schema that cannot be used
 * refuses the configuration) and cached by their text across reloads. Schemas are never fetched over the
 * network: a {@code $ref} may point into the schema itself or to the standard meta-schemas only.
 * Thread-safe.
 */
public final class SchemaChecks {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaChecks.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory PARSERS = JSON.getFactory();
  /** The draft of a schema without {@code $schema}. */
  static final SpecVersion.VersionFlag DEFAULT_VERSION = SpecVersion.VersionFlag.V202012;
  /** At most this many violations are listed in an error's rule. */
  static final int MAX_LISTED = 10;
  /** An error's rule stops listing violations at about this length. */
  static final int MAX_RULE_LENGTH = 1000;
  private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
      .pathType(PathType.JSON_POINTER)
      .build();

  private final Map<SpecVersion.VersionFlag, JsonSchemaFactory> factories = new EnumMap<>(SpecVersion.VersionFlag.class);
  private final Cache<String, Compiled> compiled = Caffeine.newBuilder().maximumSize(1000).build();

  /**
   * The mapper to use for {@code mapping}: {@code mapper} itself when validation is off, else a mapper
   * that validates first. Problems (no schema, a schema that cannot be compiled) are added to {@code
   * problems}, and {@code mapper} is returned.
   */
  public RecordMapper wrap(RecordMapper mapper, TopicMapping mapping, ConfigSnapshot snapshot, List<ConfigProblem> problems) {
    SchemaValidation validation = mapping.schemaValidation();
    if (!validation.enabled()) {
      return mapper;
    }
    String topic = mapping.topic();
    List<TopicSchema> schemas = snapshot.schemas().stream().filter(s -> s.topicName().equals(topic)).toList();
    if (schemas.isEmpty()) {
      problems.add(new ConfigProblem(null, "mappings[" + topic + "].schema_validation", "schema validation is on but"
          + " topic '" + topic + "' has no JSON Schema; add one (kafka_topic_schemas) or turn validation off"));
      return mapper;
    }
    Map<String, Compiled> byVersion = new LinkedHashMap<>();
    String current = null;
    int before = problems.size();
    for (TopicSchema schema : schemas) {
      try {
        Compiled c = compile(schema.schemaJson());
        byVersion.put(schema.version(), c);
        if (LOG.isDebugEnabled()) {
          LOG.debug("Topic {} schema {}: {}", topic, schema.version(), c.fast() != null
              ? "streaming fast path (networknt only for messages it does not accept)"
              : "networknt on a tree for every message (" + c.whyNotFast() + ")");
        }
      } catch (RuntimeException e) {
        problems.add(new ConfigProblem(null, "schemas[" + topic + "/" + schema.version() + "].schema_json",
            "cannot be used as a JSON Schema: " + message(e)));
      }
      if (schema.current()) {
        current = schema.version();
      }
    }
    if (current == null && validation.versionField() == null && validation.versionHeader() == null) {
      problems.add(new ConfigProblem(null, "mappings[" + topic + "].schema_validation", "schema validation is on but"
          + " topic '" + topic + "' has no current schema version and messages do not name one (no version_field"
          + " or version_header)"));
    }
    return problems.size() > before ? mapper : new Checked(mapper, validation, byVersion, current);
  }

  /** A schema compiled for networknt and, if it fits the subset, for the fast path (else why not). */
  record Compiled(JsonSchema schema, FastSchema fast, String whyNotFast) {}

  Compiled compile(String schemaJson) {
    return compiled.get(schemaJson, text -> {
      JsonNode node;
      try {
        node = JSON.readTree(text);
      } catch (IOException e) {
        throw new LoomException("not JSON: " + e.getMessage(), e);
      }
      JsonNode declared = node.get("$schema");
      SpecVersion.VersionFlag version = SpecVersionDetector.detectOptionalVersion(node, false).orElse(null);
      if (version == null && declared != null) {
        throw new LoomException("$schema '" + declared.asText() + "' is not a draft Loom validates with (2020-12,"
            + " 2019-09, 7, 6, 4); name one of them or leave $schema out for 2020-12");
      }
      version = version == null ? DEFAULT_VERSION : version;
      JsonSchema schema = factory(version).getSchema(node, CONFIG);
      schema.initializeValidators();
      StringBuilder why = new StringBuilder();
      FastSchema fast = FastSchema.compile(node, version, why);
      return new Compiled(schema, fast, fast == null ? why.toString() : null);
    });
  }

  private synchronized JsonSchemaFactory factory(SpecVersion.VersionFlag version) {
    return factories.computeIfAbsent(version, v -> JsonSchemaFactory.getInstance(v,
        builder -> builder.schemaLoaders(loaders -> loaders.add(iri -> {
          String text = iri.toString();
          if (text.startsWith("classpath:") || text.startsWith("resource:")) {
            return null;
          }
          throw new LoomException("the schema refers to '" + text + "', which Loom does not fetch; put the"
              + " definition in the schema itself ($defs)");
        }))));
  }

  private static String message(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof LoomException && c.getMessage() != null) {
        return c.getMessage();
      }
    }
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** A mapper that validates each message before the streaming mapper maps it. */
  private static final class Checked implements RecordMapper {
    private final RecordMapper mapper;
    private final SchemaValidation validation;
    private final Map<String, Compiled> byVersion;
    private final String current;

    Checked(RecordMapper mapper, SchemaValidation validation, Map<String, Compiled> byVersion, String current) {
      this.mapper = mapper;
      this.validation = validation;
      this.byVersion = Map.copyOf(byVersion);
      this.current = current;
    }

    @Override
    public TopicMapping mapping() {
      return mapper.mapping();
    }

    @Override
    public List<Column> columns() {
      return mapper.columns();
    }

    @Override
    public MappingError map(SourceRecord record, RowSink sink) {
      byte[] value = record.value();
      if (value == null || value.length == 0) {
        return mapper.map(record, sink);
      }
      Compiled fast = fastCandidate(record, value);
      if (fast != null && fast.fast().valid(value)) {
        return mapper.map(record, sink);
      }
      JsonNode node;
      try {
        node = JSON.readTree(value);
      } catch (IOException | RuntimeException e) {
        return mapper.map(record, sink);
      }
      if (node == null) {
        return mapper.map(record, sink);
      }
      String version = null;
      String versionPath = null;
      if (validation.versionField() != null && node.path(validation.versionField()).isTextual()) {
        version = node.get(validation.versionField()).asText();
        versionPath = validation.versionField();
      } else if (validation.versionHeader() != null && record.header(validation.versionHeader()) != null) {
        version = new String(record.header(validation.versionHeader()), StandardCharsets.UTF_8);
        versionPath = "$kafka.header." + validation.versionHeader();
      }
      String used = version != null ? version : current;
      Compiled compiled = used == null ? null : byVersion.get(used);
      if (compiled == null) {
        String rule = used == null
            ? "the message names no schema version and the topic has no current one"
            : "schema version '" + used + "' of topic " + record.topic() + " does not exist; known versions: "
                + String.join(", ", new java.util.TreeSet<>(byVersion.keySet()));
        return new MappingError(MappingError.Kind.SCHEMA_VIOLATION, record.topic(), record.partition(), record.offset(),
            versionPath, version, rule);
      }
      JsonSchema schema = compiled.schema();
      Set<ValidationMessage> violations;
      try {
        if (schema.validate(node, OutputFormat.BOOLEAN)) {
          return mapper.map(record, sink);
        }
        violations = schema.validate(node);
      } catch (RuntimeException e) {
        return new MappingError(MappingError.Kind.SCHEMA_VIOLATION, record.topic(), record.partition(),
            record.offset(), null, null, "schema " + used + " could not be applied: " + message(e));
      }
      if (!violations.isEmpty()) {
        return violation(record, used, violations);
      }
      return mapper.map(record, sink);
    }

    /**
     * The schema the message names (as the tree path would choose it) when it has a fast path, else
     * null; null too when the version field cannot be read without a tree (the tree path then decides).
     */
    private Compiled fastCandidate(SourceRecord record, byte[] value) {
      String version = null;
      if (validation.versionField() != null) {
        version = topLevelText(value, validation.versionField());
        if (version == FAILED) {
          return null;
        }
      }
      if (version == null && validation.versionHeader() != null && record.header(validation.versionHeader()) != null) {
        version = new String(record.header(validation.versionHeader()), StandardCharsets.UTF_8);
      }
      String used = version != null ? version : current;
      Compiled compiled = used == null ? null : byVersion.get(used);
      return compiled == null || compiled.fast() == null ? null : compiled;
    }
  }

  /** Returned by {@link #topLevelText} when the message cannot be read. */
  private static final String FAILED = new String("(unreadable)");

  /**
   * The text of the top-level string field {@code name} of the JSON object {@code json} (the last one if
   * repeated, as in a tree), null if it is absent or not a string or the document is not an object,
   * {@link #FAILED} if the bytes are not JSON.
   */
  static String topLevelText(byte[] json, String name) {
    try (JsonParser parser = PARSERS.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String text = null;
      JsonToken t;
      while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
        boolean wanted = name.equals(parser.currentName());
        JsonToken v = parser.nextToken();
        if (wanted) {
          text = v == JsonToken.VALUE_STRING ? parser.getText() : null;
        }
        parser.skipChildren();
      }
      return t == JsonToken.END_OBJECT ? text : FAILED;
    } catch (IOException | RuntimeException e) {
      return FAILED;
    }
  }

  /**
   * The error for a message that breaks schema {@code version}: its path is the JSON pointer of the
   * first violation (in pointer order; {@code ""} is the whole document), its rule lists each violation
   * as {@code pointer: message}, at most {@value #MAX_LISTED} of them and about {@value #MAX_RULE_LENGTH}
   * characters, then how many more there were.
   */
  static MappingError violation(SourceRecord record, String version, Set<ValidationMessage> violations) {
    List<String[]> found = new java.util.ArrayList<>(violations.size());
    for (ValidationMessage v : violations) {
      found.add(new String[] {pointer(v), v.getError()});
    }
    found.sort(Comparator.<String[], String>comparing(f -> f[0]).thenComparing(f -> f[1]));
    StringBuilder rule = new StringBuilder("breaks schema ").append(version).append(": ");
    int listed = 0;
    for (String[] f : found) {
      String item = (f[0].isEmpty() ? "(document)" : f[0]) + ": " + f[1];
      if (listed > 0 && (listed == MAX_LISTED || rule.length() + 2 + item.length() > MAX_RULE_LENGTH)) {
        break;
      }
      if (listed > 0) {
        rule.append("; ");
      }
      rule.append(item.length() > MAX_RULE_LENGTH ? item.substring(0, MAX_RULE_LENGTH) + "..." : item);
      listed++;
    }
    if (listed < found.size()) {
      rule.append(" (and ").append(found.size() - listed).append(" more)");
    }
    return new MappingError(MappingError.Kind.SCHEMA_VIOLATION, record.topic(), record.partition(), record.offset(),
        found.get(0)[0], null, rule.toString());
  }

  /** The JSON pointer of a violation; for a missing required property, the pointer of that property. */
  private static String pointer(ValidationMessage v) {
    String location = v.getInstanceLocation().toString();
    if ("required".equals(v.getType()) && v.getProperty() != null) {
      return location + "/" + v.getProperty().replace("~", "~0").replace("/", "~1");
    }
    return location;
  }
}
