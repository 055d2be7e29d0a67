package io.loom.mapping.yaml.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a configuration read pulled in besides the YAML files themselves ({@code schema_file}
 * references), with their stamps as read, so the watcher also notices when one of them changes.
 */
public final class Dependencies {
  private final Map<Path, FileStamp> files = new LinkedHashMap<>();

  void add(FileStamp stamp) {
    if (stamp != null) {
      files.putIfAbsent(stamp.path(), stamp);
    }
  }

  /** The dependency files and their stamps as read. */
  public Map<Path, FileStamp> files() {
    return java.util.Collections.unmodifiableMap(files);
  }
}
