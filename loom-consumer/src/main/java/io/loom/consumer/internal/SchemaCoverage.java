package io.loom.consumer.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import io.loom.mapping.internal.FieldPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Warnings of {@code /validate-config} about mappings that do not agree with their topic's current JSON
 * Schema: a mapped source path the schema does not describe, and a field the mapping requires that the
 * schema does not list as {@code required}. Every mapping whose topic has a current schema is checked,
 * whether or not it validates messages.
 *
 * <p>Design note: a path is walked through the schema's {@code properties} (and {@code
 * patternProperties}), {@code items}/{@code prefixItems} (draft-07's array form of {@code items} too),
 * {@code $ref}s within the document, and {@code allOf}/{@code anyOf}/{@code oneOf} branches (a path any
 * branch describes counts as described). {@code additionalProperties} given as a schema describes every
 * name; left open ({@code true} or absent) it describes none, so a property found only that way is still
 * warned about. A field is "required by the schema" when every object member along its path is in the
 * {@code required} list of a schema of its parent (the check stops at the first array step). Stateless.
 */
public final class SchemaCoverage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SchemaCoverage() {}

  /** The warnings for every mapping of {@code snapshot} whose topic has a current schema. */
  public static List<ConfigProblem> warnings(ConfigSnapshot snapshot) {
    List<ConfigProblem> warnings = new ArrayList<>();
    for (TopicMapping mapping : snapshot.mappings()) {
      Optional<TopicSchema> current = snapshot.currentSchema(mapping.topic());
      if (current.isEmpty()) {
        continue;
      }
      JsonNode root;
      try {
        root = JSON.readTree(current.get().schemaJson());
      } catch (IOException e) {
        continue;
      }
      if (root == null || !root.isObject()) {
        continue;
      }
      String schemaName = "the current schema (" + current.get().version() + ") of topic '" + mapping.topic() + "'";
      for (int i = 0; i < mapping.fields().size(); i++) {
        FieldMapping field = mapping.fields().get(i);
        FieldPath path;
        try {
          path = FieldPath.parse(field.sourcePath());
        } catch (IllegalArgumentException e) {
          continue;
        }
        if (path.isMetadata()) {
          continue;
        }
        String at = "mappings[" + mapping.topic() + "].fields[" + i + "]";
        new Walk(root).check(path, field, at, schemaName, warnings);
      }
    }
    return warnings;
  }

  /** One path walked through one schema document. */
  private static final class Walk {
    private final JsonNode root;

    Walk(JsonNode root) {
      this.root = root;
    }

    void check(FieldPath path, FieldMapping field, String at, String schemaName, List<ConfigProblem> warnings) {
      List<JsonNode> schemas = expand(List.of(root));
      StringBuilder pointer = new StringBuilder();
      boolean requiredSoFar = field.required();
      String notRequired = null;
      String notRequiredWhere = null;
      for (FieldPath.Segment segment : path.segments()) {
        String where = where(pointer.toString());
        List<JsonNode> next = new ArrayList<>();
        if (segment instanceof FieldPath.Field f) {
          boolean closed = !schemas.isEmpty();
          boolean required = false;
          for (JsonNode s : schemas) {
            JsonNode declared = s.path("properties").get(f.name());
            if (declared != null) {
              next.add(declared);
            }
            s.path("patternProperties").fields().forEachRemaining(e -> {
              if (matches(e.getKey(), f.name())) {
                next.add(e.getValue());
              }
            });
            JsonNode additional = s.get("additionalProperties");
            if (declared == null && additional != null && additional.isObject()) {
              next.add(additional);
            }
            closed &= additional != null && additional.isBoolean() && !additional.asBoolean();
            for (JsonNode r : s.path("required")) {
              required |= r.asText().equals(f.name());
            }
          }
          if (next.isEmpty()) {
            warnings.add(new ConfigProblem(null, at + ".source_field_path", "source path '" + path.text()
                + "' is not in " + schemaName + ": no property '" + f.name() + "' is declared " + where
                + (closed ? ", and other properties are not allowed" : "")));
            return;
          }
          if (requiredSoFar && !required && notRequired == null) {
            notRequired = f.name();
            notRequiredWhere = where;
          }
          pointer.append('/').append(f.name().replace("~", "~0").replace("/", "~1"));
        } else {
          requiredSoFar = false;
          int index = segment instanceof FieldPath.Index ix ? ix.index() : -1;
          for (JsonNode s : schemas) {
            JsonNode prefix = s.has("prefixItems") ? s.get("prefixItems") : s.path("items").isArray() ? s.get("items") : null;
            JsonNode rest = s.path("items").isArray() ? s.get("additionalItems") : s.get("items");
            if (prefix != null) {
              if (index >= 0 && index < prefix.size()) {
                next.add(prefix.get(index));
              } else if (index < 0) {
                prefix.forEach(next::add);
              }
            }
            if (rest != null && rest.isObject() && (index < 0 || prefix == null || index >= prefix.size())) {
              next.add(rest);
            }
          }
          if (next.isEmpty()) {
            warnings.add(new ConfigProblem(null, at + ".source_field_path", "source path '" + path.text()
                + "' is not in " + schemaName + ": no array items are declared " + where));
            return;
          }
          pointer.append('/').append(index >= 0 ? Integer.toString(index) : "*");
        }
        schemas = expand(next);
      }
      if (notRequired != null) {
        warnings.add(new ConfigProblem(null, at + ".required", "source path '" + path.text() + "' is required by the"
            + " mapping, but " + schemaName + " does not list '" + notRequired + "' as required " + notRequiredWhere));
      }
    }

    /** The schemas themselves, their in-document {@code $ref} targets and their combinator branches. */
    private List<JsonNode> expand(List<JsonNode> schemas) {
      List<JsonNode> out = new ArrayList<>();
      Map<JsonNode, Boolean> seen = new IdentityHashMap<>();
      for (JsonNode s : schemas) {
        add(s, out, seen);
      }
      return out;
    }

    private void add(JsonNode s, List<JsonNode> out, Map<JsonNode, Boolean> seen) {
      if (s == null || !s.isObject() || seen.put(s, Boolean.TRUE) != null) {
        return;
      }
      out.add(s);
      JsonNode ref = s.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
        String pointer = ref.asText().substring(1);
        try {
          add(root.at(pointer), out, seen);
        } catch (IllegalArgumentException e) {
          // not a JSON pointer (an anchor): nothing more is known
        }
      }
      for (String combinator : new String[] {"allOf", "anyOf", "oneOf"}) {
        for (JsonNode branch : s.path(combinator)) {
          add(branch, out, seen);
        }
      }
    }

    private static boolean matches(String regex, String name) {
      try {
        return Pattern.compile(regex).matcher(name).find();
      } catch (PatternSyntaxException e) {
        return false;
      }
    }

    private static String where(String pointer) {
      return pointer.isEmpty() ? "at the top level" : "in " + pointer;
    }
  }
}
