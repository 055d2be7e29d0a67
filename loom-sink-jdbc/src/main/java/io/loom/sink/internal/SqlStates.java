package io.loom.sink.internal;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Design note: the SQLSTATE classes that decide what a failure means. Data errors (classes 21, 22, 23,
 * 44, program limit 54000, PL/pgSQL raises P0) belong to rows and are isolated by bisection;
 * infrastructure errors (08 connection, 53 resources, 57 operator intervention and statement timeout,
 * 58 system, 40 serialization/deadlock, 55P03 lock timeout, idle-session timeouts, and any failure
 * without a server answer) are retried as a whole transaction; schema errors (42, 3F) mean the table
 * changed under the sink's cached metadata.
 */
public final class SqlStates {
  /** What a failure means for the write. */
  public enum Kind {
    DATA,
    TRANSIENT,
    SCHEMA,
    OTHER
  }

  private static final Pattern COPY_LINE = Pattern.compile("COPY [^,]+, line (\\d+)");

  private SqlStates() {}

  public static Kind classify(SQLException e) {
    String state = e.getSQLState();
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
      return Kind.TRANSIENT;
    }
    if (state == null || state.length() != 5) {
      return e.getCause() instanceof IOException ? Kind.TRANSIENT : Kind.OTHER;
    }
    String cls = state.substring(0, 2);
    switch (cls) {
      case "08", "53", "57", "58", "40":
        return Kind.TRANSIENT;
      case "21", "22", "23", "44", "P0":
        return Kind.DATA;
      case "42", "3F":
        return Kind.SCHEMA;
      default:
        break;
    }
    switch (state) {
      case "55P03", "25P03", "25P04":
        return Kind.TRANSIENT;
      case "54000":
        return Kind.DATA;
      default:
        return e.getCause() instanceof IOException ? Kind.TRANSIENT : Kind.OTHER;
    }
  }

  /** The SQLSTATE, or {@code XX000} when the driver gave none. */
  public static String state(SQLException e) {
    return e.getSQLState() == null ? "XX000" : e.getSQLState();
  }

  /** The server's message with its detail, or the exception's message; at most 500 characters. */
  public static String message(SQLException e) {
    String text;
    ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
    if (server != null && server.getMessage() != null) {
      text = server.getMessage();
      if (server.getDetail() != null) {
        text += " (" + server.getDetail() + ")";
      }
    } else {
      text = String.valueOf(e.getMessage());
    }
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }

  /** The 1-based row of a COPY that failed ({@code COPY t, line 5}), or -1. */
  public static long copyLine(SQLException e) {
    ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
    if (server == null || server.getWhere() == null) {
      return -1;
    }
    Matcher m = COPY_LINE.matcher(server.getWhere());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
