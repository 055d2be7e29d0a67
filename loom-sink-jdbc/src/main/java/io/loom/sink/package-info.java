/**
 * The COPY-based batch sink: {@link io.loom.sink.JdbcSink} writes {@link io.loom.sink.SinkBatch}es of
 * mapped rows into PostgreSQL/TimescaleDB tables and stores the consumed offsets in the same
 * transaction. It knows neither Kafka nor where configuration lives: callers describe each table with
 * a {@link io.loom.sink.TableTarget} and feed rows through the {@link io.loom.mapping.RowSink} of a
 * batch. Everything outside this package is internal.
 */
package io.loom.sink;
