package io.loom.mapping.yaml.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

class YamlScalarsTest {
  private static final List<String> AWKWARD = List.of("", " ", "  leading", "trailing ", "null", "Null", "~", "yes", "No",
      "on", "true", "FALSE", "1", "-1", "1.5", "1e3", ".inf", "-.Inf", ".NaN", "0x1F", "0o17", "1_000", "1:20",
      "2026-01-01", "2026-01-01T00:00:00Z", "- item", "-", "--", "---", "...", "? key", ":", "a: b", "a:b", "a #b", "a#b",
      "#comment", "&anchor", "*alias", "!tag", "!!str", "|", ">", "%YAML", "@at", "`tick", "'single'", "\"double\"",
      "it's", "[x]", "{x}", "a, b", "a,b", "data.items[*].x", "data.items[0].x", "$kafka.header.trace-id", "<<", "=",
      "tab\there", "line\nbreak", "cr\rlf", "nul\0byte", "bell\u0007", "nel\u0085", "ls\u2028ps\u2029", "bom\uFEFF",
      "é", "Température °C", "«»", "emoji 😀", "日本語", "\uD800lone", "back\\slash", "a  b", "x:", "x: ", "a ,b");

  private static Node compose(String yaml) {
    return new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
  }

  private static ScalarNode valueOf(String yaml) {
    MappingNode root = (MappingNode) compose(yaml);
    return (ScalarNode) root.getValue().get(0).getValueNode();
  }

  @Test
  void scalar_inBlockContext_readsBackAsTheSameText() {
    for (String text : inputs()) {
      for (YamlScalars.Mode mode : YamlScalars.Mode.values()) {
        ScalarNode node = valueOf("key: " + YamlScalars.scalar(text, mode, false) + "\n");

        assertThat(node.getValue()).as("%s in %s", text, mode).isEqualTo(text);
        assertThat(node.getTag()).as("tag of %s in %s", text, mode).isNotEqualTo(Tag.NULL);
        if (mode == YamlScalars.Mode.JSON_STRING) {
          assertThat(node.getTag()).as("tag of %s", text).isEqualTo(Tag.STR);
        }
      }
    }
  }

  @Test
  void scalar_inFlowContext_readsBackAsTheSameText() {
    for (String text : inputs()) {
      String yaml = "key: {a: " + YamlScalars.scalar(text, YamlScalars.Mode.TEXT, true) + ", b: ["
          + YamlScalars.scalar(text, YamlScalars.Mode.JSON_STRING, true) + ", x]}\n";
      MappingNode flow;
      try {
        flow = (MappingNode) ((MappingNode) compose(yaml)).getValue().get(0).getValueNode();
      } catch (RuntimeException e) {
        throw new AssertionError("cannot read back " + yaml, e);
      }
      ScalarNode a = (ScalarNode) flow.getValue().get(0).getValueNode();
      ScalarNode b = (ScalarNode) ((SequenceNode) flow.getValue().get(1).getValueNode()).getValue().get(0);

      assertThat(a.getValue()).as("%s as text", text).isEqualTo(text);
      assertThat(b.getValue()).as("%s as JSON string", text).isEqualTo(text);
      assertThat(b.getTag()).isEqualTo(Tag.STR);
    }
  }

  @Test
  void scalar_plainWherePlainIsSafe() {
    assertThat(YamlScalars.scalar("device.sensor.gps.raw", YamlScalars.Mode.TEXT, true)).isEqualTo("device.sensor.gps.raw");
    assertThat(YamlScalars.scalar("$kafka.offset", YamlScalars.Mode.TEXT, true)).isEqualTo("$kafka.offset");
    assertThat(YamlScalars.scalar("16000", YamlScalars.Mode.TEXT, false)).isEqualTo("16000");
    assertThat(YamlScalars.scalar("16000", YamlScalars.Mode.JSON_STRING, false)).isEqualTo("'16000'");
    assertThat(YamlScalars.scalar("null", YamlScalars.Mode.TEXT, false)).isEqualTo("'null'");
    assertThat(YamlScalars.scalar("a[0]", YamlScalars.Mode.TEXT, false)).isEqualTo("a[0]");
    assertThat(YamlScalars.scalar("a[0]", YamlScalars.Mode.TEXT, true)).isEqualTo("'a[0]'");
    assertThat(YamlScalars.scalar("line\nbreak", YamlScalars.Mode.TEXT, false)).isEqualTo("\"line\\nbreak\"");
  }

  /** The awkward strings, plus random ones built from their characters (fixed seed: reproducible). */
  private static List<String> inputs() {
    List<String> inputs = new ArrayList<>(AWKWARD);
    String alphabet = String.join("", AWKWARD);
    int[] codePoints = alphabet.codePoints().toArray();
    Random random = new Random(20261127);
    for (int i = 0; i < 2000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(8);
      for (int j = 0; j < length; j++) {
        s.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
      }
      inputs.add(s.toString());
    }
    return inputs;
  }
}
