package io.loom.mapping.yaml;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.LoomException;
import io.loom.mapping.yaml.internal.CanonicalEmitter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Writes a {@link ConfigSnapshot} as canonical YAML (the shape described in the module's README).
 *
 * <p>The text is deterministic: the same snapshot always gives byte-identical output, and reading
 * it back with {@link YamlMappingSource} gives an equal snapshot. Values equal to the reader's
 * defaults are left out, schemas and stage configurations are written inline as YAML, one field
 * mapping per line. The writer does not validate: an invalid snapshot is written as it is, and
 * refused with its problems when read.
 *
 * <pre>{@code
 * ConfigSnapshot snapshot = jdbcSource.load();
 * YamlConfigWriter.write(snapshot, Path.of("config/loom.yml"));   // export
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class YamlConfigWriter {
  private YamlConfigWriter() {}

  /** The canonical YAML text of {@code snapshot}. */
  public static String toYaml(ConfigSnapshot snapshot) {
    return CanonicalEmitter.write(Objects.requireNonNull(snapshot, "snapshot"));
  }

  /**
   * Writes {@code snapshot} to {@code file} (UTF-8) atomically: the text goes to a hidden temporary
   * file beside it, which is then renamed over {@code file}, so a watching source never sees half of
   * it.
   *
   * @throws LoomException if the file cannot be written; {@code file} is then left as it was
   */
  public static void write(ConfigSnapshot snapshot, Path file) {
    byte[] bytes = toYaml(snapshot).getBytes(StandardCharsets.UTF_8);
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    Path temporary = null;
    try {
      Files.createDirectories(directory);
      temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
      Files.write(temporary, bytes);
      keepPermissions(temporary, target);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temporary = null;
    } catch (IOException e) {
      throw new LoomException("cannot write configuration file " + file + ": " + e, e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // the write already failed; that error is the one to report
        }
      }
    }
  }

  /** A temporary file is private; the written file gets the old file's permissions, or rw-r--r--. */
  private static void keepPermissions(Path temporary, Path target) throws IOException {
    try {
      Files.setPosixFilePermissions(temporary, Files.exists(target)
          ? Files.getPosixFilePermissions(target)
          : PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the default permissions stand
    }
  }
}
