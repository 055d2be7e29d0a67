package io.loom.consumer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.consumer.admin.internal.SanitizedThrowable;
import io.loom.mapping.LoomException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SanitizedThrowableTest {
  @Test
  void of_masksPasswordsInEveryMessageAndKeepsClassesAndFrames() {
    SQLException cause = new SQLException("FATAL: password authentication failed for postgresql://app:hunter2@db/x");
    LoomException error = new LoomException("cannot connect to jdbc:postgresql://db/x?password=hunter2", cause);

    Throwable sanitized = SanitizedThrowable.of(error);
    StringWriter trace = new StringWriter();
    sanitized.printStackTrace(new PrintWriter(trace));

    assertThat(trace.toString())
        .doesNotContain("hunter2")
        .startsWith("io.loom.mapping.LoomException: cannot connect to jdbc:postgresql://db/x?password=****")
        .contains("Caused by: java.sql.SQLException: FATAL: password authentication failed for"
            + " postgresql://app:****@db/x")
        .contains("at io.loom.consumer.admin.SanitizedThrowableTest.of_masksPasswordsInEveryMessageAndKeepsClassesAndFrames");
  }
}
