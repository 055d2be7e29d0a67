/**
 * The engine behind {@link io.loom.consumer.LoomConsumer}: the poll loop ({@link
 * io.loom.consumer.internal.ConsumerLoop}), configurations made ready for it ({@link
 * io.loom.consumer.internal.ActiveConfig}), dead-letter publishing, metrics, and the service built for
 * {@code loom run} ({@link io.loom.consumer.internal.EngineService}). Not an API: anything here may change.
 */
package io.loom.consumer.internal;
