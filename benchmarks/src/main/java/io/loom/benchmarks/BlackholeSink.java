package io.loom.benchmarks;

import io.loom.mapping.RowSink;
import org.openjdk.jmh.infra.Blackhole;

/** A {@link RowSink} that hands every value to a JMH {@link Blackhole}, so none is optimised away. */
public final class BlackholeSink implements RowSink {
  private final Blackhole blackhole;

  public BlackholeSink(Blackhole blackhole) {
    this.blackhole = blackhole;
  }

  @Override
  public void startRow() {
    blackhole.consume(0);
  }

  @Override
  public void nullValue(int column) {
    blackhole.consume(column);
  }

  @Override
  public void stringValue(int column, String value) {
    blackhole.consume(value);
  }

  @Override
  public void stringValue(int column, char[] chars, int offset, int length) {
    blackhole.consume(chars);
    blackhole.consume(length);
  }

  @Override
  public void longValue(int column, long value) {
    blackhole.consume(value);
  }

  @Override
  public void doubleValue(int column, double value) {
    blackhole.consume(value);
  }

  @Override
  public void booleanValue(int column, boolean value) {
    blackhole.consume(value);
  }

  @Override
  public void timestampValue(int column, long epochMicros) {
    blackhole.consume(epochMicros);
  }

  @Override
  public void bytesValue(int column, byte[] value, int length) {
    blackhole.consume(value);
  }

  @Override
  public void jsonValue(int column, String json) {
    blackhole.consume(json);
  }

  @Override
  public void stringArrayValue(int column, String[] values, int length) {
    blackhole.consume(values);
  }

  @Override
  public void doubleArrayValue(int column, double[] values, int length) {
    blackhole.consume(values);
  }

  @Override
  public void endRow() {
    blackhole.consume(1);
  }
}
