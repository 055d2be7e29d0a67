package io.loom.mapping;

import java.util.regex.Pattern;

/**
 * The rules for table and column names that come from configuration. A name is accepted only if it
 * matches {@value #PATTERN_TEXT} (a table may be qualified by one schema name), and it is always
 * double-quoted where it is used, so no configuration value can change the meaning of SQL.
 */
public final class SqlIdentifiers {
  /** Lower-case letters, digits, underscores; starting with a letter or underscore; at most 63 characters. */
  public static final String PATTERN_TEXT = "^[a-z_][a-z0-9_]{0,62}$";

  private static final Pattern IDENTIFIER = Pattern.compile(PATTERN_TEXT);

  private SqlIdentifiers() {}

  /** Whether {@code name} is an acceptable column (or unqualified table) name. */
  public static boolean isValid(String name) {
    return name != null && IDENTIFIER.matcher(name).matches();
  }

  /** Whether {@code name} is an acceptable table name: an identifier, optionally {@code schema.table}. */
  public static boolean isValidTable(String name) {
    if (name == null) {
      return false;
    }
    int dot = name.indexOf('.');
    if (dot < 0) {
      return isValid(name);
    }
    return isValid(name.substring(0, dot)) && isValid(name.substring(dot + 1));
  }

  /**
   * Quotes a validated identifier: {@code timestamp -> "timestamp"}, {@code telemetry.gps ->
   * "telemetry"."gps"}.
   *
   * @throws IllegalArgumentException if the name breaks the rule
   */
  public static String quote(String name) {
    if (!isValidTable(name)) {
      throw new IllegalArgumentException(
          "identifier '" + name + "' is not allowed: it must match " + PATTERN_TEXT + " (optionally schema-qualified)");
    }
    int dot = name.indexOf('.');
    return dot < 0 ? '"' + name + '"' : '"' + name.substring(0, dot) + "\".\"" + name.substring(dot + 1) + '"';
  }
}
