/**
 * The Loom consumer: {@link io.loom.consumer.LoomConsumer} moves JSON events from Kafka topics into
 * PostgreSQL tables as a {@link io.loom.mapping.MappingSource} says, storing every message exactly once
 * (rows and consumed offsets commit in one transaction) and sending what cannot be stored to dead-letter
 * topics.
 *
 * <pre>{@code
 * try (MappingSource source = MappingSources.open("yaml:config/topic_mappings.yml");
 *     LoomConsumer consumer = LoomConsumer.builder()
 *         .mappingSource(source)
 *         .dataSource(dataSource)                 // a pool of pgjdbc connections
 *         .bootstrapServers("localhost:9092")
 *         .groupId("ingest")
 *         .build()) {
 *   consumer.start();                            // returns; one thread polls
 *   ...
 *   consumer.reloadConfig();                     // or let the source's change notifications do it
 * }                                              // close(): last batch written, clients closed
 * }</pre>
 *
 * <p>The standalone service ({@code loom run}) builds the same consumer from its settings; see {@link
 * io.loom.consumer.admin.LoomServiceFactory}.
 */
package io.loom.consumer;
