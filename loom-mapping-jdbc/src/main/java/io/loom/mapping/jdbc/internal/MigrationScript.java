package io.loom.mapping.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One migration script from {@code db/loom/} on the class path.
 *
 * <p>Design note: the scripts are listed in {@link #NAMES} (class-path directories cannot be listed
 * portably inside a jar); a test checks that the list and the resource directory agree. Names follow
 * Flyway's {@code V<version>__<description>.sql}, so the same files can be handed to Flyway. The checksum
 * is the SHA-256 of the text with line endings normalised to LF, so a checkout with CRLF endings does not
 * look edited.
 */
public record MigrationScript(int version, String description, String fileName, String sql, String checksum) {

  /** The resource directory of the scripts. */
  public static final String DIRECTORY = "db/loom/";

  /** Every script, in version order. */
  public static final List<String> NAMES = List.of(
      "V1__kafka_schema_management.sql",
      "V2__loom_schema_history.sql",
      "V3__loom_mapping_extensions.sql",
      "V4__loom_config_change_notification.sql",
      "V5__loom_offsets.sql");

  private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

  /** Loads every script of {@link #NAMES}. */
  public static List<MigrationScript> all() {
    List<MigrationScript> scripts = new ArrayList<>();
    for (String name : NAMES) {
      scripts.add(load(name));
    }
    return List.copyOf(scripts);
  }

  /** Loads one script by file name. */
  public static MigrationScript load(String fileName) {
    Matcher m = NAME.matcher(fileName);
    if (!m.matches()) {
      throw new IllegalArgumentException("migration file name '" + fileName + "' does not match V<n>__<description>.sql");
    }
    String resource = DIRECTORY + fileName;
    try (InputStream in = MigrationScript.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("migration script " + resource + " is missing from the class path");
      }
      String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new MigrationScript(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), fileName, sql,
          checksum(sql));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migration script " + resource, e);
    }
  }

  /** SHA-256 (hex) of the text with CRLF and CR line endings turned into LF. */
  public static String checksum(String sql) {
    String normalized = sql.replace("\r\n", "\n").replace('\r', '\n');
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
