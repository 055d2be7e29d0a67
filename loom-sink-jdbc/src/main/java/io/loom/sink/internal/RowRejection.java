package io.loom.sink.internal;

/** A value that cannot be encoded into its column: the row's message is rejected. No stack trace. */
final class RowRejection extends Exception {
  private static final long serialVersionUID = 1L;

  private final String sqlState;

  RowRejection(String sqlState, String message) {
    super(message, null, false, false);
    this.sqlState = sqlState;
  }

  String sqlState() {
    return sqlState;
  }
}
