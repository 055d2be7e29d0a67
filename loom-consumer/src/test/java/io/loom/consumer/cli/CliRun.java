package io.loom.consumer.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import io.loom.consumer.admin.LoomServiceFactory;
import java.util.Map;
import java.util.Optional;

/** One execution of the command line with captured output. */
record CliRun(int status, String out, String err) {
  static CliRun of(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = LoomCli.execute(LoomCli.commandLine(environment, Optional::empty), new PrintWriter(out),
        new PrintWriter(err), args);
    return new CliRun(status, out.toString(), err.toString());
  }

  static CliRun withEngine(LoomServiceFactory engine, Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = LoomCli.execute(LoomCli.commandLine(environment, () -> Optional.ofNullable(engine)),
        new PrintWriter(out), new PrintWriter(err), args);
    return new CliRun(status, out.toString(), err.toString());
  }

  static CliRun of(String... args) {
    return of(Map.of(), args);
  }
}
