package io.loom.sink.internal;

import java.util.Arrays;

/** Big-endian reads and writes on byte arrays, and a growable byte buffer. */
final class Bytes {
  private Bytes() {}

  static int getInt(byte[] b, int p) {
    return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
  }

  static long getLong(byte[] b, int p) {
    return ((long) getInt(b, p) << 32) | (getInt(b, p + 4) & 0xffffffffL);
  }

  static void putInt(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
  }

  static void putLong(byte[] b, int p, long v) {
    putInt(b, p, (int) (v >>> 32));
    putInt(b, p + 4, (int) v);
  }

  static void putShort(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 8);
    b[p + 1] = (byte) v;
  }

  /** Grows {@code array} to hold at least {@code needed} bytes (doubling). */
  static byte[] ensure(byte[] array, int needed) {
    if (needed <= array.length) {
      return array;
    }
    if (needed < 0) {
      throw new IllegalStateException("buffer would exceed 2 GiB; flush batches earlier");
    }
    long grown = Math.max((long) array.length * 2, needed);
    return Arrays.copyOf(array, (int) Math.min(grown, Integer.MAX_VALUE - 8));
  }

  static int[] ensure(int[] array, int needed) {
    return needed <= array.length ? array : Arrays.copyOf(array, Math.max(array.length * 2, needed));
  }

  static byte[] ensureLength(byte[] array, int needed) {
    return needed <= array.length ? array : Arrays.copyOf(array, Math.max(array.length * 2, needed));
  }

  static long[] ensure(long[] array, int needed) {
    return needed <= array.length ? array : Arrays.copyOf(array, Math.max(array.length * 2, needed));
  }
}
