/**
 * The settings of the standalone service: the registry of every setting ({@link
 * io.loom.consumer.settings.Setting}: property, environment variable, flag, type, default, documentation,
 * secrecy) and the resolved, validated, immutable {@link io.loom.consumer.settings.LoomSettings}.
 */
package io.loom.consumer.settings;
