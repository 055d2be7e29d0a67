package io.loom.sink.internal;

import io.loom.mapping.Column.ValueKind;
import java.math.BigDecimal;
import java.time.Instant;
import org.postgresql.util.ByteConverter;

/**
 * Design note: turns one non-null batch value (see {@link ValueTags}) into one field of PostgreSQL's
 * binary COPY format (4-byte length, then the type's binary representation), for one pairing of
 * value kind and column type. {@link #forPair} holds the whole matrix of native pairings; a pairing
 * it does not know is either written through a staging column of the kind's natural type and cast by
 * PostgreSQL, or impossible (decided by the planner). A value that does not fit (text "abc" into
 * uuid, 2^40 into int4) throws {@link RowRejection} with the SQLSTATE PostgreSQL would have used.
 */
abstract class Codec {
  /** Micros between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
  static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final int PG_EPOCH_DAYS = 10_957;

  /** The column name, for messages. */
  final String column;

  /** The column's type as PostgreSQL prints it, for messages. */
  final String typeName;

  Codec(String column, String typeName) {
    this.column = column;
    this.typeName = typeName;
  }

  /**
   * Writes the value that starts at {@code data[pos]} (its tag) and returns the position after it.
   */
  abstract int write(byte[] data, int pos, CopyBuffer out) throws RowRejection;

  /** The PostgreSQL type a staging column gets when a kind is written through a cast. */
  static String naturalType(ValueKind kind) {
    return switch (kind) {
      case STRING -> "text";
      case LONG -> "bigint";
      case DOUBLE -> "double precision";
      case BOOLEAN -> "boolean";
      case TIMESTAMP -> "timestamp with time zone";
      case BYTES -> "bytea";
      case JSON -> "jsonb";
      case STRING_ARRAY -> "text[]";
      case DOUBLE_ARRAY -> "double precision[]";
    };
  }

  /** The OID of {@link #naturalType}, and of its element for arrays. */
  static int naturalOid(ValueKind kind) {
    return switch (kind) {
      case STRING -> PgTypes.TEXT;
      case LONG -> PgTypes.INT8;
      case DOUBLE -> PgTypes.FLOAT8;
      case BOOLEAN -> PgTypes.BOOL;
      case TIMESTAMP -> PgTypes.TIMESTAMPTZ;
      case BYTES -> PgTypes.BYTEA;
      case JSON -> PgTypes.JSONB;
      case STRING_ARRAY -> 1009;
      case DOUBLE_ARRAY -> 1022;
    };
  }

  static int naturalElementOid(ValueKind kind) {
    return kind == ValueKind.STRING_ARRAY ? PgTypes.TEXT : kind == ValueKind.DOUBLE_ARRAY ? PgTypes.FLOAT8 : 0;
  }

  /**
   * The native codec for values of {@code kind} into a column whose (domain-resolved) type is {@code
   * typeOid}, with element type {@code elementOid} for arrays; {@code null} if there is none.
   */
  static Codec forPair(ValueKind kind, int typeOid, int elementOid, String column, String typeName) {
    boolean text = PgTypes.isText(typeOid);
    boolean json = PgTypes.isJson(typeOid);
    boolean jsonb = typeOid == PgTypes.JSONB;
    switch (kind) {
      case STRING:
        if (text) {
          return new Utf8Text(column, typeName, false);
        }
        if (json) {
          return new Utf8Text(column, typeName, jsonb);
        }
        if (typeOid == PgTypes.UUID) {
          return new Uuid(column, typeName);
        }
        if (typeOid == PgTypes.BYTEA) {
          return new RawBytes(column, typeName);
        }
        return null;
      case JSON:
        if (text || json) {
          return new Utf8Text(column, typeName, jsonb);
        }
        return null;
      case BYTES:
        if (typeOid == PgTypes.BYTEA || text) {
          return new RawBytes(column, typeName);
        }
        return null;
      case LONG:
        return switch (typeOid) {
          case PgTypes.INT2, PgTypes.INT4, PgTypes.INT8, PgTypes.FLOAT4, PgTypes.FLOAT8, PgTypes.NUMERIC ->
              new Numeric(column, typeName, typeOid, false);
          default -> text || json ? new AsText(column, typeName, kind, json, jsonb) : null;
        };
      case DOUBLE:
        return switch (typeOid) {
          case PgTypes.INT2, PgTypes.INT4, PgTypes.INT8, PgTypes.FLOAT4, PgTypes.FLOAT8, PgTypes.NUMERIC ->
              new Numeric(column, typeName, typeOid, true);
          default -> text || json ? new AsText(column, typeName, kind, json, jsonb) : null;
        };
      case BOOLEAN:
        if (typeOid == PgTypes.BOOL) {
          return new Bool(column, typeName);
        }
        return text || json ? new AsText(column, typeName, kind, json, jsonb) : null;
      case TIMESTAMP:
        if (typeOid == PgTypes.TIMESTAMPTZ || typeOid == PgTypes.TIMESTAMP || typeOid == PgTypes.DATE) {
          return new Timestamp(column, typeName, typeOid == PgTypes.DATE);
        }
        return text || json ? new AsText(column, typeName, kind, json, jsonb) : null;
      case STRING_ARRAY:
        if (elementOid != 0 && PgTypes.isText(elementOid)) {
          return new TextArray(column, typeName, elementOid);
        }
        return text || json ? new AsText(column, typeName, kind, json, jsonb) : null;
      case DOUBLE_ARRAY:
        if (elementOid == PgTypes.FLOAT8 || elementOid == PgTypes.FLOAT4) {
          return new DoubleArray(column, typeName, elementOid);
        }
        return text || json ? new AsText(column, typeName, kind, json, jsonb) : null;
      default:
        return null;
    }
  }

  RowRejection reject(String sqlState, String message) {
    return new RowRejection(sqlState, "column \"" + column + "\": " + message);
  }

  static String preview(byte[] data, int offset, int length) {
    String s = new String(data, offset, Math.min(length, 200), java.nio.charset.StandardCharsets.UTF_8);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  /** Text, varchar, char, name, json and jsonb from UTF-8 text (jsonb gets its version byte). */
  static final class Utf8Text extends Codec {
    private final boolean jsonb;

    Utf8Text(String column, String typeName, boolean jsonb) {
      super(column, typeName);
      this.jsonb = jsonb;
    }

    @Override
    int write(byte[] data, int pos, CopyBuffer out) throws RowRejection {
      byte tag = data[pos];
      int len = Bytes.getInt(data, pos + 1);
      if (tag == ValueTags.STRING_WITH_NUL) {
        throw reject("22021", "invalid byte sequence for encoding \"UTF8\": 0x00 (text contains a NUL character,"
            + " which type " + typeName + " cannot store)");
      }
      out.ensure(len + 5);
      if (jsonb) {
        out.putInt(len + 1);
        out.put((byte) 1);
      } else {
        out.putInt(len);
      }
      out.put(data, pos + 5, len);
      return pos + 5 + len;
    }
  }

  /** bytea from bytes or from text's UTF-8; text from bytes (PostgreSQL checks the encoding). */
  static final class RawBytes extends Codec {
    RawBytes(String column, String typeName) {
      super(column, typeName);
    }

    @Override
    int write(byte[] data, int pos, CopyBuffer out) {
      int len = Bytes.getInt(data, pos + 1);
      out.putInt(len);
      out.put(data, pos + 5, len);
      return pos + 5 + len;
    }
  }

  static final class Uuid extends Codec {
    Uuid(String column, String typeName) {
      super(column, typeName);
    }

    @Override
    int write(byte[] data, int pos, CopyBuffer out) throws RowRejection {
      int len = Bytes.getInt(data, pos + 1);
      int start = pos + 5;
      long hi = 0;
      long lo = 0;
      int digits = 0;
      int end = start + len;
      int i = start;
      boolean braces = len > 0 && data[start] == '{';
      if (braces) {
        i++;
        end--;
        if (len < 2 || data[end] != '}') {
          throw invalid(data, start, len);
        }
      }
      for (; i < end; i++) {
        byte b = data[i];
        int v;
        if (b >= '0' && b <= '9') {
          v = b - '0';
        } else if (b >= 'a' && b <= 'f') {
          v = b - 'a' + 10;
        } else if (b >= 'A' && b <= 'F') {
          v = b - 'A' + 10;
        } else if (b == '-' && digits > 0 && digits % 4 == 0 && i + 1 < end && data[i + 1] != '-') {
          continue;
        } else {
          throw invalid(data, start, len);
        }
        if (digits < 16) {
          hi = (hi << 4) | v;
        } else if (digits < 32) {
          lo = (lo << 4) | v;
        } else {
          throw invalid(data, start, len);
        }
        digits++;
      }
      if (digits != 32) {
        throw invalid(data, start, len);
      }
      out.putInt(16);
      out.putLong(hi);
      out.putLong(lo);
      return pos + 5 + len;
    }

    private RowRejection invalid(byte[] data, int start, int len) {
      return reject("22P02", "invalid input syntax for type uuid: \"" + preview(data, start, len) + "\"");
    }
  }

  /** int2/int4/int8/float4/float8/numeric from longs or doubles, range-checked. */
  static final class Numeric extends Codec {
    private final int typeOid;
    private final boolean fromDouble;

    Numeric(String column, String typeName, int typeOid, boolean fromDouble) {
      super(column, typeName);
      this.typeOid = typeOid;
      this.fromDouble = fromDouble;
    }

    @Override
    int write(byte[] data, int pos, CopyBuffer out) throws RowRejection {
      long bits = Bytes.getLong(data, pos + 1);
      if (fromDouble) {
        writeDouble(Double.longBitsToDouble(bits), out);
      } else {
        writeLong(bits, out);
      }
      return pos + 9;
    }

    private void writeLong(long v, CopyBuffer out) throws RowRejection {
      switch (typeOid) {
        case PgTypes.INT2:
          if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            throw outOfRange(Long.toString(v));
          }
          out.putInt(2);
          out.putShort((int) v);
          break;
        case PgTypes.INT4:
          if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw outOfRange(Long.toString(v));
          }
          out.putInt(4);
          out.putInt((int) v);
          break;
        case PgTypes.INT8:
          out.putInt(8);
          out.putLong(v);
          break;
        case PgTypes.FLOAT4:
          out.putInt(4);
          out.putInt(Float.floatToIntBits((float) v));
          break;
        case PgTypes.FLOAT8:
          out.putInt(8);
          out.putLong(Double.doubleToLongBits((double) v));
          break;
        default:
          putNumeric(BigDecimal.valueOf(v), out);
      }
    }

    private void writeDouble(double d, CopyBuffer out) throws RowRejection {
      switch (typeOid) {
        case PgTypes.FLOAT8:
          out.putInt(8);
          out.putLong(Double.doubleToLongBits(d));
          break;
        case PgTypes.FLOAT4: {
          float f = (float) d;
          if (Float.isInfinite(f) && !Double.isInfinite(d)) {
            throw outOfRange(Double.toString(d));
          }
          out.putInt(4);
          out.putInt(Float.floatToIntBits(f));
          break;
        }
        case PgTypes.NUMERIC:
          if (!Double.isFinite(d)) {
            throw outOfRange(Double.toString(d));
          }
          putNumeric(BigDecimal.valueOf(d), out);
          break;
        default: {
          if (!Double.isFinite(d) || d != Math.rint(d) || Math.abs(d) >= 0x1p63) {
            throw reject(Double.isFinite(d) && d == Math.rint(d) ? "22003" : "22P02",
                "value " + d + " is not a whole number within the range of type " + typeName);
          }
          writeLong((long) d, out);
        }
      }
    }

    private void putNumeric(BigDecimal value, CopyBuffer out) {
      byte[] bytes = ByteConverter.numeric(value);
      out.putInt(bytes.length);
      out.put(bytes, 0, bytes.length);
    }

    private RowRejection outOfRange(String value) {
      return reject("22003", "value " + value + " is out of range for type " + typeName);
    }
  }

  static final class Bool extends Codec {
    Bool(String column, String typeName) {
      super(column, typeName);
    }

    @Override
    int write(byte[] data, int pos, CopyBuffer out) {
      out.putInt(1);
      out.put(data[pos + 1]);
      return pos + 2;
    }
  }

  /** timestamptz and timestamp (UTC wall time) from epoch micros; date as the UTC day. */
  static final class Timestamp extends Codec {
    private final boolean date;

    Timestamp(String column, String typeName, boolean date) {
      super(column, typeName);
      this.date = date;
    }

    @Override
    int write(byte[] data, int pos, CopyBuffer out) {
      long micros = Bytes.getLong(data, pos + 1);
      if (date) {
        out.putInt(4);
        out.putInt((int) (Math.floorDiv(micros, MICROS_PER_DAY) - PG_EPOCH_DAYS));
      } else {
        out.putInt(8);
        out.putLong(micros - PG_EPOCH_MICROS);
      }
      return pos + 9;
    }
  }

  /** One-dimensional text arrays (text[], varchar[], ...): the batch's element layout is PostgreSQL's. */
  static final class TextArray extends Codec {
    private final int elementOid;

    TextArray(String column, String typeName, int elementOid) {
      super(column, typeName);
      this.elementOid = elementOid;
    }

    @Override
    int write(byte[] data, int pos, CopyBuffer out) throws RowRejection {
      if (data[pos] == ValueTags.STRING_ARRAY_WITH_NUL) {
        throw reject("22021", "invalid byte sequence for encoding \"UTF8\": 0x00 (an element contains a NUL"
            + " character, which type " + typeName + " cannot store)");
      }
      int total = Bytes.getInt(data, pos + 1);
      int count = Bytes.getInt(data, pos + 5);
      int elements = total - 4;
      writeHeader(out, count, elementOid, elements);
      out.put(data, pos + 9, elements);
      return pos + 5 + total;
    }
  }

  static void writeHeader(CopyBuffer out, int count, int elementOid, int elementBytes) {
    if (count == 0) {
      out.putInt(12);
      out.putInt(0);
      out.putInt(0);
      out.putInt(elementOid);
      return;
    }
    out.putInt(20 + elementBytes);
    out.putInt(1);
    out.putInt(0);
    out.putInt(elementOid);
    out.putInt(count);
    out.putInt(1);
  }

  /** float8[] and float4[] from double arrays. */
  static final class DoubleArray extends Codec {
    private final int elementOid;

    DoubleArray(String column, String typeName, int elementOid) {
      super(column, typeName);
      this.elementOid = elementOid;
    }

    @Override
    int write(byte[] data, int pos, CopyBuffer out) throws RowRejection {
      int total = Bytes.getInt(data, pos + 1);
      int count = Bytes.getInt(data, pos + 5);
      boolean four = elementOid == PgTypes.FLOAT4;
      writeHeader(out, count, elementOid, count * (four ? 8 : 12));
      int p = pos + 9;
      for (int i = 0; i < count; i++, p += 8) {
        long bits = Bytes.getLong(data, p);
        if (four) {
          double d = Double.longBitsToDouble(bits);
          float f = (float) d;
          if (Float.isInfinite(f) && !Double.isInfinite(d)) {
            throw reject("22003", "element " + (i + 1) + " value " + d + " is out of range for type real");
          }
          out.putInt(4);
          out.putInt(Float.floatToIntBits(f));
        } else {
          out.putInt(8);
          out.putLong(bits);
        }
      }
      return pos + 5 + total;
    }
  }

  /**
   * Longs, doubles, booleans, timestamps and arrays written as text into text columns, or as JSON
   * into json/jsonb columns (timestamps become ISO-8601 strings, arrays JSON arrays).
   */
  static final class AsText extends Codec {
    private final ValueKind kind;
    private final boolean json;
    private final boolean jsonb;

    AsText(String column, String typeName, ValueKind kind, boolean json, boolean jsonb) {
      super(column, typeName);
      this.kind = kind;
      this.json = json;
      this.jsonb = jsonb;
    }

    @Override
    int write(byte[] data, int pos, CopyBuffer out) throws RowRejection {
      StringBuilder scratch = new StringBuilder(32);
      int next;
      switch (kind) {
        case LONG:
          scratch.append(Bytes.getLong(data, pos + 1));
          next = pos + 9;
          break;
        case DOUBLE: {
          double d = Double.longBitsToDouble(Bytes.getLong(data, pos + 1));
          if (json && !Double.isFinite(d)) {
            throw reject("22P02", "value " + d + " cannot be written as JSON");
          }
          scratch.append(d);
          next = pos + 9;
          break;
        }
        case BOOLEAN:
          scratch.append(data[pos + 1] != 0);
          next = pos + 2;
          break;
        case TIMESTAMP: {
          long micros = Bytes.getLong(data, pos + 1);
          String iso = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
              .toString();
          if (json) {
            scratch.append('"').append(iso).append('"');
          } else {
            scratch.append(iso);
          }
          next = pos + 9;
          break;
        }
        case STRING_ARRAY: {
          int total = Bytes.getInt(data, pos + 1);
          int count = Bytes.getInt(data, pos + 5);
          int p = pos + 9;
          scratch.append('[');
          for (int i = 0; i < count; i++) {
            if (i > 0) {
              scratch.append(',');
            }
            int len = Bytes.getInt(data, p);
            p += 4;
            if (len < 0) {
              scratch.append("null");
            } else {
              appendJsonString(scratch, new String(data, p, len, java.nio.charset.StandardCharsets.UTF_8));
              p += len;
            }
          }
          scratch.append(']');
          next = pos + 5 + total;
          break;
        }
        case DOUBLE_ARRAY: {
          int total = Bytes.getInt(data, pos + 1);
          int count = Bytes.getInt(data, pos + 5);
          int p = pos + 9;
          scratch.append('[');
          for (int i = 0; i < count; i++, p += 8) {
            double d = Double.longBitsToDouble(Bytes.getLong(data, p));
            if (!Double.isFinite(d)) {
              throw reject("22P02", "element " + (i + 1) + " value " + d + " cannot be written as JSON");
            }
            if (i > 0) {
              scratch.append(',');
            }
            scratch.append(d);
          }
          scratch.append(']');
          next = pos + 5 + total;
          break;
        }
        default:
          throw new IllegalStateException("no text form for " + kind);
      }
      byte[] bytes = scratch.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (jsonb) {
        out.putInt(bytes.length + 1);
        out.put((byte) 1);
      } else {
        out.putInt(bytes.length);
      }
      out.put(bytes, 0, bytes.length);
      return next;
    }

    private static void appendJsonString(StringBuilder scratch, String s) {
      scratch.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> scratch.append("\\\"");
          case '\\' -> scratch.append("\\\\");
          case '\n' -> scratch.append("\\n");
          case '\r' -> scratch.append("\\r");
          case '\t' -> scratch.append("\\t");
          default -> {
            if (c < 0x20) {
              scratch.append(String.format("\\u%04x", (int) c));
            } else {
              scratch.append(c);
            }
          }
        }
      }
      scratch.append('"');
    }
  }
}
