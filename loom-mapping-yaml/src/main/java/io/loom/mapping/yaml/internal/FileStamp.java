package io.loom.mapping.yaml.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a file looked like when it was last looked at: whether it existed, its size, modification time
 * and a content hash.
 *
 * <p>Design note: changes are decided on content (existence, size and hash), so a {@code touch} is not
 * a change and a rewrite of equal size within one modification-time tick is. The hash is computed
 * only when size or time moved, or while the modification time is so recent that a same-size rewrite
 * in the same tick could hide behind it (the "racy clean" window).
 *
 * @param path the file
 * @param exists whether it existed
 * @param size its size in bytes
 * @param modifiedNanos its modification time, in nanoseconds since the epoch
 * @param hash a hex SHA-256 of its content, or {@code null} if it was not read
 * @param hashedAtMillis when the hash was taken (wall clock)
 */
public record FileStamp(Path path, boolean exists, long size, long modifiedNanos, String hash, long hashedAtMillis) {

  /** How long after a modification a file's stamp is not trusted without re-reading it. */
  static final long RACY_WINDOW_MILLIS = 2_500;

  /** The stamp of a file whose content was just read. */
  public static FileStamp ofContent(Path path, BasicFileAttributes attributes, byte[] content) {
    return new FileStamp(path, true, attributes.size(), nanos(attributes), sha256(content), System.currentTimeMillis());
  }

  /** The stamp of a file that does not exist. */
  public static FileStamp missing(Path path) {
    return new FileStamp(path, false, -1, -1, null, System.currentTimeMillis());
  }

  /**
   * Looks at {@code path} again: re-uses {@code previous}'s hash when nothing suggests a change, reads
   * the file when something does (or when {@code maxBytes} allows and the previous one is racy).
   */
  public static FileStamp look(Path path, FileStamp previous, long maxBytes) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException e) {
      return missing(path);
    }
    long modified = nanos(attributes);
    boolean statSame = previous != null && previous.exists && previous.size == attributes.size()
        && previous.modifiedNanos == modified && previous.hash != null;
    boolean racy = previous != null && previous.hashedAtMillis - modified / 1_000_000 < RACY_WINDOW_MILLIS;
    if (statSame && !racy) {
      return previous;
    }
    if (attributes.size() > maxBytes) {
      return new FileStamp(path, true, attributes.size(), modified, "size:" + attributes.size() + "@" + modified,
          System.currentTimeMillis());
    }
    long now = System.currentTimeMillis();
    try {
      return new FileStamp(path, true, attributes.size(), modified, hash(path), now);
    } catch (IOException e) {
      return missing(path);
    }
  }

  /** Whether the two stamps describe the same content. */
  public boolean sameContent(FileStamp other) {
    if (other == null || exists != other.exists) {
      return false;
    }
    if (!exists) {
      return true;
    }
    return size == other.size && hash != null && hash.equals(other.hash);
  }

  private static long nanos(BasicFileAttributes attributes) {
    java.time.Instant t = attributes.lastModifiedTime().toInstant();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static String hash(Path path) throws IOException {
    MessageDigest digest = sha();
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256(byte[] content) {
    return HexFormat.of().formatHex(sha().digest(content));
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
