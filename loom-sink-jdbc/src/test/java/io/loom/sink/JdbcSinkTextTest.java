package io.loom.sink;

import static io.loom.sink.SinkDatabase.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Text handed to the sink as characters (the mapper's way) is stored exactly as the same text as a String. */
class JdbcSinkTextTest {
  private static final String TOPIC = "device.sensor.text.raw";
  private static final List<String> TEXTS = List.of("", "plain ascii", "é à ü", "中文字符", "emoji 😀 pair",
      "lone \ud800 high", "lone \udc00 low", "x".repeat(5000) + "ß");

  @RegisterExtension
  final SinkFixture f = new SinkFixture("CREATE TABLE as_string (id int8, v text)", "CREATE TABLE as_chars (id int8, v text)",
      "CREATE TABLE as_chars_uuid (id int8, v uuid)");

  @Test
  void textAsCharacters_isStoredLikeTheSameString_andANulCharacterIsRejectedTheSameWay() {
    TableTarget strings = SinkDatabase.target("as_string", List.of(), ConflictStrategy.IGNORE,
        "id", DataType.INTEGER, "v", DataType.STRING);
    TableTarget chars = SinkDatabase.target("as_chars", List.of(), ConflictStrategy.IGNORE,
        "id", DataType.INTEGER, "v", DataType.STRING);
    SinkBatch batch = f.sink().newBatch();
    long offset = 0;
    for (int i = 0; i < TEXTS.size(); i++) {
      message(batch, strings, TOPIC, 0, offset++, (long) i, TEXTS.get(i));
      message(batch, chars, TOPIC, 1, offset++, (long) i, new SinkDatabase.Chars(TEXTS.get(i)));
    }
    message(batch, strings, TOPIC, 0, offset++, 99L, "nul\u0000inside");
    message(batch, chars, TOPIC, 1, offset++, 99L, new SinkDatabase.Chars("nul\u0000inside"));

    WriteResult result = f.sink().write(batch, "g");

    List<String> stored = f.db().query("SELECT id, v FROM as_string ORDER BY id");
    assertThat(stored).hasSize(TEXTS.size());
    assertThat(stored.get(5)).isEqualTo("5|lone ? high");
    assertThat(f.db().query("SELECT id, v FROM as_chars ORDER BY id")).containsExactlyElementsOf(stored);
    assertThat(result.rejected()).extracting(RejectedRow::table, RejectedRow::sqlState, RejectedRow::message)
        .containsExactly(
            tuple("as_string", "22021", "column \"v\": invalid byte sequence for encoding"
                + " \"UTF8\": 0x00 (text contains a NUL character, which type text cannot store)"),
            tuple("as_chars", "22021", "column \"v\": invalid byte sequence for encoding"
                + " \"UTF8\": 0x00 (text contains a NUL character, which type text cannot store)"));
  }

  @Test
  void textAsCharacters_intoANonTextColumn_isConvertedFromItsText() {
    TableTarget uuids = SinkDatabase.target("as_chars_uuid", List.of(), ConflictStrategy.IGNORE,
        "id", DataType.INTEGER, "v", DataType.STRING);
    SinkBatch batch = f.sink().newBatch();
    message(batch, uuids, TOPIC, 0, 0, 1L, new SinkDatabase.Chars("5a0b9a7e-3c1d-4e8f-9a2b-1c3d4e5f6a7b"));

    WriteResult result = f.sink().write(batch, "g");

    assertThat(result.rejected()).isEmpty();
    assertThat(f.db().query("SELECT id, v FROM as_chars_uuid")).containsExactly("1|5a0b9a7e-3c1d-4e8f-9a2b-1c3d4e5f6a7b");
  }
}
