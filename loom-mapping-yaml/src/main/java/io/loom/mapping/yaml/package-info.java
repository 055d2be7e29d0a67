/**
 * Loom configuration in YAML files.
 *
 * <ul>
 *   <li>{@link io.loom.mapping.yaml.YamlMappingSource}: a {@link io.loom.mapping.MappingSource} over a
 *       file or a directory of files, in the canonical shape (rows of the configuration tables) or the
 *       legacy {@code topic_mappings.yml} shape, with file:line problems and change watching;
 *   <li>{@link io.loom.mapping.yaml.YamlMappingSourceProvider}: the {@code yaml} kind for
 *       {@link io.loom.mapping.MappingSources#open(String)};
 *   <li>{@link io.loom.mapping.yaml.YamlConfigWriter}: a snapshot written out as canonical YAML,
 *       deterministically;
 *   <li>{@link io.loom.mapping.yaml.SampleConfiguration}: the sample configuration of the device topics.
 * </ul>
 *
 * <p>Everything in {@code io.loom.mapping.yaml.internal} is implementation.
 */
package io.loom.mapping.yaml;
