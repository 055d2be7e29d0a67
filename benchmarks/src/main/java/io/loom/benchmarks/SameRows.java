package io.loom.benchmarks;

import io.loom.mapping.MappingError;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.RowSink;
import io.loom.mapping.SourceRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Checks that the mapper and the databind baseline produce the same rows, so that their race is fair. */
final class SameRows {
  private SameRows() {}

  /** The first record on which the two disagree, described, or {@code null} if they agree on all. */
  static String firstDifference(RecordMapper mapper, DatabindBaseline baseline, SourceRecord[] records) throws IOException {
    for (SourceRecord record : records) {
      Collecting fromMapper = new Collecting();
      MappingError error = mapper.map(record, fromMapper);
      if (error != null) {
        return "the mapper rejected offset " + record.offset() + ": " + error;
      }
      Collecting fromBaseline = new Collecting();
      baseline.map(record.value(), fromBaseline);
      if (!fromMapper.values.equals(fromBaseline.values)) {
        return "offset " + record.offset() + ": mapper " + fromMapper.values + ", baseline " + fromBaseline.values;
      }
    }
    return null;
  }

  /** Collects every call as a value; rows are separated by markers. */
  static final class Collecting implements RowSink {
    final List<Object> values = new ArrayList<>();

    @Override
    public void startRow() {
      values.add("<row>");
    }

    @Override
    public void nullValue(int column) {
      values.add(column + "=null");
    }

    @Override
    public void stringValue(int column, String value) {
      values.add(column + "=" + value);
    }

    @Override
    public void longValue(int column, long value) {
      values.add(column + "=" + value + "L");
    }

    @Override
    public void doubleValue(int column, double value) {
      values.add(column + "=" + value + "D");
    }

    @Override
    public void booleanValue(int column, boolean value) {
      values.add(column + "=" + value);
    }

    @Override
    public void timestampValue(int column, long epochMicros) {
      values.add(column + "=" + epochMicros + "us");
    }

    @Override
    public void bytesValue(int column, byte[] value, int length) {
      values.add(column + "=" + Arrays.toString(Arrays.copyOf(value, length)));
    }

    @Override
    public void jsonValue(int column, String json) {
      values.add(column + "=json:" + json);
    }

    @Override
    public void stringArrayValue(int column, String[] values, int length) {
      this.values.add(column + "=" + Arrays.toString(Arrays.copyOf(values, length)));
    }

    @Override
    public void doubleArrayValue(int column, double[] values, int length) {
      this.values.add(column + "=" + Arrays.toString(Arrays.copyOf(values, length)));
    }

    @Override
    public void endRow() {
      values.add("</row>");
    }
  }
}
