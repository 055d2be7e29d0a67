package io.loom.mapping.yaml.internal;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConfigValidator;
import io.loom.mapping.InvalidConfigurationException;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads YAML documents (canonical or legacy shape, told apart per document) into one validated
 * {@link ConfigSnapshot}, reporting every problem at once with its file and line.
 *
 * <p>Design note: documents are only composed into SnakeYAML nodes, never constructed into objects, so
 * no tag can instantiate a class; aliases, nesting and size are capped by {@link LoaderOptions}. The
 * shape is decided per document: {@code format}/{@code version} keys or a {@code topics} list mean
 * canonical, a {@code topics} mapping means legacy. Reading problems and the validator's are merged
 * (the validator's minus those a reading problem already explains) and sorted by file and line.
 * Thread-safe: every call uses its own parser.
 */
public final class YamlConfigParser {
  /** The largest YAML document accepted, in characters. */
  public static final int MAX_DOCUMENT_CHARS = 4 * 1024 * 1024;
  /** How many aliases of lists or mappings a document may use (billion-laughs guard). */
  static final int MAX_ALIASES = 100;
  /** How deeply lists and mappings may nest. */
  static final int MAX_NESTING = 64;

  private YamlConfigParser() {}

  /**
   * The outcome of a read.
   *
   * @param snapshot the configuration, or {@code null} if there are problems
   * @param problems every problem, in file and line order
   * @param dependencies files read besides the documents ({@code schema_file})
   */
  public record Result(ConfigSnapshot snapshot, List<ConfigProblem> problems, Dependencies dependencies) {
    /** The snapshot, or an exception listing every problem. */
    public ConfigSnapshot orThrow(String sourceName) {
      if (!problems.isEmpty()) {
        throw new InvalidConfigurationException(sourceName, problems);
      }
      return snapshot;
    }
  }

  /** Reads and validates {@code documents} as one configuration. */
  public static Result parse(List<ConfigDocument> documents) {
    Diagnostics diagnostics = new Diagnostics();
    Dependencies dependencies = new Dependencies();
    ConfigParts parts = new ConfigParts(diagnostics);
    for (ConfigDocument document : documents) {
      read(new DocContext(document, diagnostics, dependencies), parts);
    }
    ConfigSnapshot snapshot = parts.snapshot();
    List<ConfigProblem> problems = diagnostics.merge(ConfigValidator.validate(snapshot, diagnostics));
    return new Result(problems.isEmpty() ? snapshot : null, problems, dependencies);
  }

  private static void read(DocContext doc, ConfigParts parts) {
    Node root;
    try {
      root = compose(doc.document.text());
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String location = doc.document.name() + (mark == null ? "" : ":" + (mark.getLine() + 1));
      StringBuilder message = new StringBuilder("not valid YAML: ").append(e.getProblem());
      if (mark != null) {
        message.append(" (column ").append(mark.getColumn() + 1).append(')');
      }
      if (e.getContext() != null && e.getContextMark() != null && e.getContextMark() != mark) {
        message.append(", ").append(e.getContext()).append(" at line ").append(e.getContextMark().getLine() + 1);
      }
      doc.diagnostics.problem(location, "document", message.toString());
      return;
    } catch (YAMLException e) {
      doc.diagnostics.problem(doc.document.name(), "document", "not accepted: " + firstLine(e.getMessage()));
      return;
    }
    if (DocContext.isNull(root)) {
      doc.diagnostics.problem(doc.document.name() + ":1", "document",
          "the file is empty; expected a configuration (format: loom, then topics, schemas, mappings, flows)");
      return;
    }
    YamlMap top = YamlMap.open(doc, root, "", "a configuration with topics, schemas, mappings and flows");
    if (top == null) {
      return;
    }
    boolean legacy = !top.has("format") && !top.has("version") && top.value("topics") instanceof MappingNode;
    if (legacy) {
      LegacyReader.read(doc, top, parts);
    } else {
      CanonicalReader.read(doc, top, parts);
    }
  }

  private static Node compose(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setCodePointLimit(MAX_DOCUMENT_CHARS);
    options.setAllowRecursiveKeys(false);
    options.setMergeOnCompose(true);
    return new Yaml(options).compose(new StringReader(text));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable YAML";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
