package io.loom.mapping.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.Column;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.MappingError;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.RowSink;
import io.loom.mapping.SourceRecord;
import io.loom.mapping.TopicMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MapperCacheTest {

  @Test
  void mapper_ofAnEqualMapping_isNotCompiledAgain() {
    List<TopicMapping> compiled = new ArrayList<>();
    MapperCache cache = new MapperCache(100, recording(compiled));

    RecordMapper first = cache.mapper(mapping("device.audio.raw", "audio"));
    RecordMapper again = cache.mapper(mapping("device.audio.raw", "audio"));
    RecordMapper other = cache.mapper(mapping("device.audio.raw", "audio_v2"));

    assertThat(again).isSameAs(first);
    assertThat(other).isNotSameAs(first);
    assertThat(compiled).extracting(TopicMapping::table).containsExactly("audio", "audio_v2");
    assertThat(cache.compilations()).isEqualTo(2);
  }

  @Test
  void compileAll_onReload_compilesOnlyTheChangedMappings() {
    List<TopicMapping> compiled = new ArrayList<>();
    MapperCache cache = new MapperCache(100, recording(compiled));
    ConfigSnapshot before = ConfigSnapshot.ofMappings(List.of(mapping("device.audio.raw", "audio"),
        mapping("device.sensor.gps.raw", "gps")));
    ConfigSnapshot after = ConfigSnapshot.ofMappings(List.of(mapping("device.audio.raw", "audio"),
        mapping("device.sensor.gps.raw", "gps_v2")));

    Map<String, RecordMapper> first = cache.compileAll(before);
    Map<String, RecordMapper> second = cache.compileAll(after);

    assertThat(second.keySet()).containsExactly("device.audio.raw", "device.sensor.gps.raw");
    assertThat(second.get("device.audio.raw")).isSameAs(first.get("device.audio.raw"));
    assertThat(second.get("device.sensor.gps.raw").mapping().table()).isEqualTo("gps_v2");
    assertThat(compiled).extracting(TopicMapping::table).containsExactly("audio", "gps", "gps_v2");
  }

  @Test
  void compileAll_reportsTheProblemsOfEveryMappingThatCannotBeCompiled() {
    MapperCache cache = new MapperCache(100, m -> {
      if (m.table().startsWith("bad")) {
        throw new InvalidConfigurationException("compiler", List.of(new ConfigProblem(null,
            "mappings[" + m.topic() + "].table_name", "table '" + m.table() + "' is refused")));
      }
      return new FakeMapper(m);
    });
    ConfigSnapshot snapshot = ConfigSnapshot.ofMappings(List.of(mapping("device.a.raw", "bad_a"),
        mapping("device.b.raw", "good"), mapping("device.c.raw", "bad_c")));

    assertThatThrownBy(() -> cache.compileAll(snapshot))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("invalid configuration from the mappings of configuration " + snapshot.fingerprint()
            + " (2 problems):\n"
            + "  - mappings[device.a.raw].table_name: table 'bad_a' is refused\n"
            + "  - mappings[device.c.raw].table_name: table 'bad_c' is refused");
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void cache_isBounded() {
    MapperCache cache = new MapperCache(5, FakeMapper::new);
    for (int i = 0; i < 50; i++) {
      cache.mapper(mapping("device.t" + i + ".raw", "t" + i));
    }

    assertThat(cache.size()).isEqualTo(5);
    assertThat(cache.compilations()).isEqualTo(50);
  }

  @Test
  void defaultCache_compilesWithTheMappingCompiler() {
    MapperCache cache = new MapperCache();
    TopicMapping gps = TestConfigs.full().mapping("device.sensor.gps.clean").orElseThrow();

    RecordMapper mapper = cache.mapper(gps);
    List<String> values = new ArrayList<>();
    MappingError error = mapper.map(SourceRecord.of("device.sensor.gps.clean", 0, 42L, null,
        "{\"device_id\":\"dev-000001\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), new RowSink() {
          @Override public void startRow() {}
          @Override public void nullValue(int column) { values.add(column + "=null"); }
          @Override public void stringValue(int column, String value) { values.add(column + "=" + value); }
          @Override public void longValue(int column, long value) { values.add(column + "=" + value); }
          @Override public void doubleValue(int column, double value) { values.add(column + "=" + value); }
          @Override public void booleanValue(int column, boolean value) { values.add(column + "=" + value); }
          @Override public void timestampValue(int column, long epochMicros) { values.add(column + "=" + epochMicros); }
          @Override public void bytesValue(int column, byte[] value, int length) { values.add(column + "=bytes"); }
          @Override public void jsonValue(int column, String json) { values.add(column + "=" + json); }
          @Override public void stringArrayValue(int column, String[] v, int length) { values.add(column + "=array"); }
          @Override public void doubleArrayValue(int column, double[] v, int length) { values.add(column + "=array"); }
          @Override public void endRow() {}
        });

    assertThat(error).isNull();
    assertThat(mapper.columns()).extracting(Column::name).containsExactly("device_id", "ts");
    assertThat(values).containsExactly("0=dev-000001", "1=null");
    assertThat(cache.mapper(gps)).isSameAs(mapper);
    assertThat(cache.compilations()).isEqualTo(1);
  }

  @Test
  void constructor_refusesANonPositiveBound() {
    assertThatThrownBy(() -> new MapperCache(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumSize was 0 but it must be at least 1");
  }

  private static Function<TopicMapping, RecordMapper> recording(List<TopicMapping> compiled) {
    return m -> {
      compiled.add(m);
      return new FakeMapper(m);
    };
  }

  private static TopicMapping mapping(String topic, String table) {
    return new TopicMapping(topic, table, List.of(), ConflictStrategy.IGNORE,
        List.of(FieldMapping.of("device_id", "device_id", DataType.STRING)));
  }

  private record FakeMapper(TopicMapping mapping) implements RecordMapper {
    @Override
    public List<Column> columns() {
      return List.of(new Column(0, "device_id", DataType.STRING, null));
    }

    @Override
    public MappingError map(SourceRecord record, RowSink sink) {
      return null;
    }
  }
}
