package io.loom.mapping.internal;

import java.util.regex.Pattern;

/** Masks secrets in text that may reach a log, an exception or {@code /status}. */
public final class Redaction {
  /** The password of {@code //user:password@host}; up to the last '@' of the authority, as it may contain '@'. */
  private static final Pattern URL_PASSWORD = Pattern.compile("(//[^:/@\\s]+:)[^/\\s]*@");
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;\\s]*");

  private Redaction() {}

  /** {@code postgresql://app:s3cret@db/x?password=y -> postgresql://app:****@db/x?password=****}. */
  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = URL_PASSWORD.matcher(text).replaceAll("$1****@");
    return PASSWORD_PARAM.matcher(masked).replaceAll("$1****");
  }
}
