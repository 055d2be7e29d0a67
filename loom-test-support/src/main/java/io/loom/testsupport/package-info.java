/**
 * Real services for tests, benchmarks and the quick start: {@link io.loom.testsupport.TestPostgres} (a PostgreSQL
 * server run from embedded binaries) and {@link io.loom.testsupport.TestKafka} (a single-node KRaft Kafka broker
 * inside the JVM), plus {@link io.loom.testsupport.FreePorts}, and {@link io.loom.testsupport.TimescaleStandIn}, a
 * stand-in {@code timescaledb} extension for the embedded PostgreSQL.
 *
 * <p>Typical use in a test class:
 * <pre>{@code
 * TestPostgres postgres = TestPostgres.shared();
 * String database = postgres.createDatabase("sink_it");
 * TestKafka kafka = TestKafka.shared();
 * String topic = kafka.createTopic(kafka.uniqueTopic("gps"), 4);
 * }</pre>
 *
 * <p>Both services listen on {@code 127.0.0.1} only, keep their ports across {@code stop()}/{@code start()}/
 * {@code restart()}, and keep their files under the directory named by the {@code loom.test.workdir} system
 * property (else {@code target/test-services}). This module is meant for test scope and the quick start; it is
 * never a dependency of the runtime jar.
 */
package io.loom.testsupport;
