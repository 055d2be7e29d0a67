package io.loom.mapping.yaml;

import io.loom.mapping.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.Assertions;

/** Test utilities: resources, files, and problems as {@code location: path: message} lines. */
final class TestFiles {
  private TestFiles() {}

  static String resource(String name) {
    try (InputStream in = TestFiles.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The problems of parsing {@code yaml} (named {@code name}), as {@code location: path: message}. */
  static List<String> problems(String yaml, String name) {
    InvalidConfigurationException e = Assertions.catchThrowableOfType(InvalidConfigurationException.class,
        () -> YamlMappingSource.parse(yaml, name));
    Assertions.assertThat(e).as("parsing %s should fail", name).isNotNull();
    return e.problems().stream().map(Object::toString).toList();
  }

  /** The problems of loading {@code file}. */
  static List<String> problems(Path file) {
    try (YamlMappingSource source = YamlMappingSource.of(file)) {
      InvalidConfigurationException e = Assertions.catchThrowableOfType(InvalidConfigurationException.class,
          source::load);
      Assertions.assertThat(e).as("loading %s should fail", file).isNotNull();
      return e.problems().stream().map(Object::toString).toList();
    }
  }
}
