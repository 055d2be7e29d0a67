package io.loom.consumer.settings.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Reads a {@code .properties} file keeping the line of every entry, so that an error can say {@code
 * loom.properties:12}. Design note: each logical line (physical lines joined by trailing backslashes) is
 * handed to {@link Properties#load} on its own, which keeps the exact escaping rules of the format
 * while we count lines ourselves.
 */
public final class PropertiesFile {
  /** One entry: key, value and the line it starts on (1-based). */
  public record Entry(String key, String value, int line) {}

  private PropertiesFile() {}

  /**
   * The entries of {@code file} in file order.
   *
   * @throws IOException if the file cannot be read
   */
  public static List<Entry> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** The entries of properties text in order. */
  public static List<Entry> parse(String text) {
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\r\n|\r|\n", -1);
    int i = 0;
    while (i < lines.length) {
      int start = i;
      StringBuilder logical = new StringBuilder(lines[i]);
      boolean comment = isComment(lines[i]);
      while (!comment && endsWithContinuation(lines[i]) && i + 1 < lines.length) {
        i++;
        logical.append('\n').append(lines[i]);
      }
      i++;
      if (comment || logical.toString().isBlank()) {
        continue;
      }
      Properties one = new Properties();
      try {
        one.load(new StringReader(logical.toString()));
      } catch (IOException | IllegalArgumentException e) {
        // A malformed \\uXXXX escape; report the line as an entry with no key.
        entries.add(new Entry("", logical.toString(), start + 1));
        continue;
      }
      for (String key : one.stringPropertyNames()) {
        entries.add(new Entry(key, one.getProperty(key), start + 1));
      }
    }
    return entries;
  }

  private static boolean isComment(String line) {
    String stripped = line.stripLeading();
    return stripped.startsWith("#") || stripped.startsWith("!");
  }

  private static boolean endsWithContinuation(String line) {
    int backslashes = 0;
    for (int j = line.length() - 1; j >= 0 && line.charAt(j) == '\\'; j--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }
}
