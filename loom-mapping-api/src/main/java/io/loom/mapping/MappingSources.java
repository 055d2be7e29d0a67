package io.loom.mapping;

import io.loom.mapping.internal.Redaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Opens {@link MappingSource}s by kind or location, through the providers on the class path. */
public final class MappingSources {
  private MappingSources() {}

  /** Opens a source from a location such as {@code yaml:config/topic_mappings.yml} or {@code postgresql://...}. */
  public static MappingSource open(String location) {
    return open(location, Map.of());
  }

  /**
   * Opens a source. The provider is chosen by the location's prefix before the first ':' — a kind
   * ({@code yaml:path}) or a scheme ({@code jdbc:postgresql://...}, {@code postgresql://...}); a path ending
   * in {@code .yml} or {@code .yaml} without a prefix is taken as YAML.
   *
   * @throws LoomException if no provider accepts the location, listing the kinds that are known
   */
  public static MappingSource open(String location, Map<String, String> settings) {
    List<MappingSourceProvider> providers = providers();
    int colon = location.indexOf(':');
    String prefix = colon > 0 ? location.substring(0, colon) : "";
    for (MappingSourceProvider p : providers) {
      if (p.kind().equals(prefix)) {
        return p.create(location.substring(colon + 1), settings);
      }
    }
    for (MappingSourceProvider p : providers) {
      if (p.schemes().contains(prefix)) {
        return p.create(location, settings);
      }
    }
    if (location.endsWith(".yml") || location.endsWith(".yaml")) {
      for (MappingSourceProvider p : providers) {
        if (p.kind().equals("yaml")) {
          return p.create(location, settings);
        }
      }
    }
    TreeSet<String> known = new TreeSet<>();
    for (MappingSourceProvider p : providers) {
      known.add(p.kind());
    }
    throw new LoomException("no mapping source accepts location '" + Redaction.mask(location) + "'"
        + (prefix.isEmpty() ? "" : " (kind '" + prefix + "')") + "; known kinds: "
        + (known.isEmpty() ? "none (no provider on the class path)" : String.join(", ", known)));
  }

  /** The providers on the class path. */
  public static List<MappingSourceProvider> providers() {
    List<MappingSourceProvider> list = new ArrayList<>();
    ServiceLoader.load(MappingSourceProvider.class, MappingSources.class.getClassLoader()).forEach(list::add);
    return list;
  }
}
