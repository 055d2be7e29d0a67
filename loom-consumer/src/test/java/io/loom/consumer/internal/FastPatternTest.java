package io.loom.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/**
 * The pattern automaton against the JDK regex (what networknt runs): seeded random patterns of the
 * subset and outside it, each on random texts and on texts built to match it, both on chars and on UTF-8
 * bytes; {@code find()} must give the JDK's answer on every pair.
 */
class FastPatternTest {
  private static final long SEED = 20261127L;

  /** Characters of the texts: ASCII the atoms name, line terminators, non-ASCII, a surrogate pair. */
  private static final String[] ALPHABET = {"a", "b", "c", "z", "A", "Z", "0", "5", "9", "-", "_", ".", "$", "\\", " ",
      "\t", "\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029", "é", "日", "😀"};
  /** Atoms of the subset, each with the characters it matches (null: '.'). */
  private static final String[][] ATOMS = {{"a", "a"}, {"b", "b"}, {"-", "-"}, {"\\.", "."}, {"\\$", "$"}, {"\\\\", "\\"},
      {" ", " "}, {"_", "_"}, {"0", "0"}, {"[a-c]", "abc"}, {"[0-9]", "059"}, {"[a-z0-9_]", "az09_"}, {"[\\d.]", "05."},
      {"[A-Z\\-]", "AZ-"}, {"[ab$]", "ab$"}, {"\\d", "059"}, {"\\w", "aAz_0"}, {".", null}};
  private static final String[] QUANTIFIERS = {"", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}", "{0}"};
  /** Constructs outside the subset: compile must return null (or the JDK refuses them too). */
  private static final String[] OUTSIDE = {"(a)", "a|b", "[^a]", "\\s", "a*?", "a++", "é", "\\p{L}", "(?i)a", "[a-]",
      "[-a]", "[a[b]]", "[a&&b]", "\\1", "a{,2}", "\\Qa\\E", "\\x41", "\\b"};

  @Test
  void compile_takesTheSubset_andLeavesTheRestToTheJdk() {
    for (String regex : List.of("^dev-[0-9]{6}$", "^[a-z]+-[0-9]{4}$", "[0-9]+", "^x{2,3}$", "b", "^$", "\\d", "^.$",
        "", "^", "$", "\\$$", "^[A-Za-z0-9_.\\-]{1,40}$", "a{0}", "\\w*\\.\\w{2,}")) {
      assertThat(FastPattern.compile(regex)).as(regex).isNotNull();
    }
    for (String regex : List.of("\\p{L}", "(?i)A", "(ab)+", "a|b", "[^0-9]", "\\s+", "\\D", "a+?", "a*+", "é",
        "^a$b", "a^", "[a-]", "[]a]", "x{3,2}", "x{1000}", "a{64}", "^[a-z]{1,64}$", "\\u0041", "\\t")) {
      assertThat(FastPattern.compile(regex)).as(regex).isNull();
    }
  }

  @Test
  void dollar_isTheJdksEndOfInput() {
    String[][] cases = {{"^a$", "a", "true"}, {"^a$", "a\n", "true"}, {"^a$", "a\r\n", "true"}, {"^a$", "a\r", "true"},
        {"^a$", "a\u0085", "true"}, {"^a$", "a\u2028", "true"}, {"^a$", "a\u2029", "true"}, {"^a$", "a\n\n", "false"},
        {"^a$", "a\n\r", "false"}, {"^a$", "a b", "false"}, {"a$", "ba\n", "true"}, {"$", "\r\n", "true"},
        {"^$", "\n", "true"}, {"^$", "\r\n", "true"}, {"^.$", "😀", "true"}, {"^.{2}$", "😀", "false"},
        {"^dev-[0-9]{6}$", "dev-123456\n", "true"}, {"^dev-[0-9]{6}$", "xdev-123456", "false"}};
    for (String[] c : cases) {
      FastPattern fast = FastPattern.compile(c[0]);
      boolean expected = Boolean.parseBoolean(c[2]);
      assertThat(Pattern.compile(c[0]).matcher(c[1]).find()).as("JDK: %s on %s", c[0], c[1]).isEqualTo(expected);
      assertThat(fast.find(c[1].toCharArray(), 0, c[1].length())).as("chars: %s on %s", c[0], c[1]).isEqualTo(expected);
      byte[] utf8 = c[1].getBytes(StandardCharsets.UTF_8);
      assertThat(fast.find(utf8, 0, utf8.length)).as("bytes: %s on %s", c[0], c[1]).isEqualTo(expected);
    }
  }

  @Test
  void find_agreesWithTheJdk_onRandomPatternsAndTexts() {
    Random random = new Random(SEED);
    int compiled = 0;
    int pairs = 0;
    int found = 0;
    List<String> wrong = new ArrayList<>();
    for (int p = 0; p < 4000; p++) {
      List<String[]> atoms = new ArrayList<>();
      String regex = randomPattern(random, atoms);
      Pattern jdk;
      try {
        jdk = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        assertThat(FastPattern.compile(regex)).as("a pattern the JDK refuses: %s", regex).isNull();
        continue;
      }
      FastPattern fast = FastPattern.compile(regex);
      if (fast == null) {
        continue;
      }
      compiled++;
      for (int t = 0; t < 60; t++) {
        String text = t % 2 == 0 ? randomText(random, random.nextInt(8), t % 4 == 0) : matching(random, atoms);
        boolean expected = jdk.matcher(text).find();
        pairs++;
        if (expected) {
          found++;
        }
        // at an offset in a larger array, so that the bounds are honoured
        char[] chars = ("#\n" + text + "\r#").toCharArray();
        if (fast.find(chars, 2, 2 + text.length()) != expected) {
          wrong.add("chars: " + regex + " on " + escape(text) + ", JDK: " + expected);
        }
        if (FastSchema.wellFormed(text)) {
          byte[] inner = text.getBytes(StandardCharsets.UTF_8);
          byte[] bytes = new byte[inner.length + 4];
          bytes[0] = 'a';
          bytes[1] = '\r';
          System.arraycopy(inner, 0, bytes, 2, inner.length);
          bytes[bytes.length - 2] = '\n';
          bytes[bytes.length - 1] = 'b';
          if (fast.find(bytes, 2, 2 + inner.length) != expected) {
            wrong.add("bytes: " + regex + " on " + escape(text) + ", JDK: " + expected);
          }
        }
      }
    }

    assertThat(wrong).as("texts where the automaton and the JDK disagree").isEmpty();
    assertThat(compiled).as("patterns in the subset").isGreaterThan(2500);
    assertThat(found).as("texts the JDK matches, of %d", pairs).isBetween(pairs / 4, pairs * 3 / 4);
  }

  /** A pattern of random atoms (recorded in {@code atoms} with their quantifiers), sometimes with a construct outside the subset. */
  private static String randomPattern(Random r, List<String[]> atoms) {
    StringBuilder regex = new StringBuilder();
    boolean start = r.nextBoolean();
    boolean end = r.nextBoolean();
    if (start) {
      regex.append('^');
    }
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (r.nextInt(25) == 0) {
        regex.append(OUTSIDE[r.nextInt(OUTSIDE.length)]);
        continue;
      }
      String[] atom = ATOMS[r.nextInt(ATOMS.length)];
      String quantifier = QUANTIFIERS[r.nextInt(QUANTIFIERS.length)];
      regex.append(atom[0]).append(quantifier);
      atoms.add(new String[] {atom[1], quantifier});
    }
    if (end) {
      regex.append('$');
    }
    atoms.add(0, new String[] {start ? "^" : "", end ? "$" : ""});
    return regex.toString();
  }

  /** A text built from the atoms (so often matching), with random text around it unless anchored, sometimes a terminator. */
  private static String matching(Random r, List<String[]> atoms) {
    String[] anchors = atoms.get(0);
    StringBuilder text = new StringBuilder();
    if (anchors[0].isEmpty() || r.nextInt(8) == 0) {
      text.append(randomText(r, r.nextInt(3), false));
    }
    for (String[] atom : atoms.subList(1, atoms.size())) {
      int times = switch (atom[1]) {
        case "" -> 1;
        case "?" -> r.nextInt(2);
        case "*" -> r.nextInt(3);
        case "+" -> 1 + r.nextInt(2);
        case "{2}" -> 2;
        case "{1,3}" -> 1 + r.nextInt(3);
        case "{0,2}" -> r.nextInt(3);
        case "{2,}" -> 2 + r.nextInt(2);
        default -> 0;
      };
      if (r.nextInt(10) == 0) {
        times += r.nextBoolean() ? 1 : -1; // near misses
      }
      for (int k = 0; k < times; k++) {
        if (atom[0] == null) {
          String any = ALPHABET[r.nextInt(ALPHABET.length)];
          text.append(any.equals("\n") || any.equals("\r") || any.equals("\r\n") ? "x" : any);
        } else {
          text.append(atom[0].charAt(r.nextInt(atom[0].length())));
        }
      }
    }
    switch (r.nextInt(6)) {
      case 0 -> text.append(new String[] {"\n", "\r", "\r\n", "\u2028", "\n\n", "\u0085"}[r.nextInt(6)]);
      case 1 -> text.append(randomText(r, 1 + r.nextInt(2), false));
      default -> { }
    }
    return text.toString();
  }

  private static String randomText(Random r, int length, boolean loneSurrogates) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      if (loneSurrogates && r.nextInt(6) == 0) {
        text.append(r.nextBoolean() ? '\ud83d' : '\ude00');
      } else {
        text.append(ALPHABET[r.nextInt(ALPHABET.length)]);
      }
    }
    return text.toString();
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.chars().forEach(c -> out.append(c < 0x20 || c > 0x7E ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return out.append('"').toString();
  }
}
