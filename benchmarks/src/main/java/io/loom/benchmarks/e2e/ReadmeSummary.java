package io.loom.benchmarks.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's short form of the results: between {@code <!-- e2e-summary:start -->} and {@code <!--
 * e2e-summary:end -->}, one line (date, command, load average, a link to the results file) and the results
 * table cut down to {@link #COLUMNS}. Nothing outside the markers is changed; a README without them is
 * refused before anything is measured ({@link #requireMarkers}).
 *
 * <p>Design: the summary is a projection of the {@code e2e:start/end} section that {@link Report} wrote,
 * not a second rendering of the measurements: lines and cells are taken as Report formatted them, the
 * columns picked by their header. So a README can also be rewritten from a results file alone
 * ({@code --rewrite-readme-from}), and the README and the results file never disagree.
 */
final class ReadmeSummary {
  static final String START = "<!-- e2e-summary:start -->";
  static final String END = "<!-- e2e-summary:end -->";
  /** The columns of the results table that the README shows, by header, in this order. */
  static final List<String> COLUMNS = List.of("variant", "rows/s (median)", "vs ceiling", "JVM CPU s / M rows",
      "PostgreSQL CPU s / M rows", "JVM peak RSS", "PostgreSQL peak PSS");
  private static final String COMMAND = "Command: ";
  private static final String DATE = "Date: ";
  private static final String LOAD = "Load average ";

  private ReadmeSummary() {}

  /**
   * Checks that {@code readme} holds the two markers, once each, the start first.
   *
   * @throws IllegalArgumentException naming the file and the markers if not
   */
  static void requireMarkers(Path readme) {
    if (!Files.isRegularFile(readme)) {
      throw new IllegalArgumentException("--readme " + readme + " is not a file; give the Markdown file that holds "
          + START + " and " + END + ", or --readme none");
    }
    markers(readme, read(readme));
  }

  /** Rewrites the marked part of {@code readme} from the results section {@code section} of {@code results}. */
  static void write(Path readme, String section, Path results) {
    String text = read(readme);
    int[] at = markers(readme, text);
    String summary = summary(section, results.toString(), link(readme, results));
    Report.replaceFile(readme, text.substring(0, at[0] + START.length()) + "\n" + summary + text.substring(at[1]));
  }

  /** Rewrites the marked part of {@code readme} from the results file {@code results} as it stands. */
  static void rewrite(Path readme, Path results) {
    requireMarkers(readme);
    write(readme, section(results), results);
  }

  /** The {@code e2e:start/end} section of a results file, markers included. */
  static String section(Path results) {
    if (!Files.isRegularFile(results)) {
      throw new IllegalArgumentException(results + " is not a file; give a results file written by the harness");
    }
    String text = read(results);
    int from = text.indexOf(Report.START);
    int to = text.indexOf(Report.END);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(results + " holds no results section between " + Report.START + " and "
          + Report.END);
    }
    return text.substring(from, to + Report.END.length()) + "\n";
  }

  /**
   * The summary for a results section: the line, a blank line, the table; every line ends with a newline.
   *
   * @param section the {@code e2e:start/end} section as {@link Report} writes it
   * @param source where the section comes from, for messages
   * @param link the results file as the README links to it
   */
  static String summary(String section, String source, String link) {
    List<String> lines = section.lines().map(String::stripTrailing).toList();
    String date = value(lines, DATE, source);
    String command = value(lines, COMMAND, source);
    String load = value(lines, LOAD, source);
    StringBuilder md = new StringBuilder();
    md.append("Run of ").append(date).append(", ").append(command).append(", load average ").append(load)
        .append(". Every run, the machine and the analysis: [").append(link).append("](").append(link).append(").\n\n");
    int header = -1;
    for (int i = 0; i < lines.size() && header < 0; i++) {
      if (lines.get(i).startsWith("| " + COLUMNS.get(0) + " |")) {
        header = i;
      }
    }
    if (header < 0 || header + 1 >= lines.size()) {
      throw new IllegalArgumentException(source + " holds no results table (a line starting '| " + COLUMNS.get(0)
          + " |') in its " + Report.START + " section");
    }
    List<String> headers = cells(lines.get(header));
    int[] picked = new int[COLUMNS.size()];
    for (int c = 0; c < COLUMNS.size(); c++) {
      picked[c] = headers.indexOf(COLUMNS.get(c));
      if (picked[c] < 0) {
        throw new IllegalArgumentException(source + ": the results table has no column '" + COLUMNS.get(c)
            + "'; its columns are " + headers);
      }
    }
    for (int i = header; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      List<String> cells = cells(lines.get(i));
      if (cells.size() != headers.size()) {
        throw new IllegalArgumentException(source + ": row '" + lines.get(i) + "' of the results table has "
            + cells.size() + " cells, the header " + headers.size());
      }
      boolean rule = cells.stream().allMatch(c -> c.matches(":?-+:?")); // the alignment row: |---|---:|
      md.append('|');
      for (int column : picked) {
        md.append(rule ? "" : " ").append(cells.get(column)).append(rule ? "|" : " |");
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** The start and end marker's positions in {@code text}, or an exception naming the file and the markers. */
  private static int[] markers(Path readme, String text) {
    int from = text.indexOf(START);
    int to = text.indexOf(END);
    if (from < 0 || to < from || text.indexOf(START, from + 1) >= 0 || text.indexOf(END, to + 1) >= 0) {
      throw new IllegalArgumentException(readme + " does not hold the markers " + START + " and " + END
          + " (once each, the start first): add them where the end-to-end summary goes, or pass --readme none");
    }
    return new int[] {from, to};
  }

  private static String value(List<String> lines, String prefix, String source) {
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length());
      }
    }
    throw new IllegalArgumentException(source + " holds no '" + prefix.strip() + "' line in its " + Report.START
        + " section");
  }

  private static List<String> cells(String row) {
    String inner = row.endsWith("|") ? row.substring(1, row.length() - 1) : row.substring(1);
    List<String> cells = new ArrayList<>();
    for (String cell : inner.split("\\|", -1)) {
      cells.add(cell.strip());
    }
    return cells;
  }

  /** {@code results} relative to the README's directory, with forward slashes, as a Markdown link wants it. */
  static String link(Path readme, Path results) {
    Path to = results.toAbsolutePath().normalize();
    Path dir = readme.toAbsolutePath().normalize().getParent();
    try {
      return (dir == null ? to : dir.relativize(to)).toString().replace(File.separatorChar, '/');
    } catch (IllegalArgumentException e) {
      return to.toString().replace(File.separatorChar, '/');
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }
}
