/**
 * Loom's configuration in PostgreSQL: the seven configuration tables and their migrations, a
 * {@link io.loom.mapping.MappingSource} reading them, and an import writer.
 *
 * <ul>
 *   <li>{@link io.loom.mapping.jdbc.Migrator} creates and upgrades the schema (scripts under
 *       {@code db/loom/} on the class path, Flyway-compatible names).
 *   <li>{@link io.loom.mapping.jdbc.JdbcMappingSource} loads the whole configuration in one consistent
 *       read, caches it, and refreshes it when the tables change (LISTEN/NOTIFY, with a polling fallback);
 *       {@link io.loom.mapping.jdbc.JdbcMappingSourceProvider} opens it for
 *       {@link io.loom.mapping.MappingSources} from {@code postgresql://} and {@code jdbc:postgresql://} URLs.
 *   <li>{@link io.loom.mapping.jdbc.JdbcConfigWriter} makes the tables hold a given snapshot (import), with
 *       a dry run that reports the {@link io.loom.mapping.jdbc.ConfigDiff}.
 *   <li>{@link io.loom.mapping.jdbc.MapperCache} keeps compiled record mappers across reloads, for any source.
 *   <li>{@link io.loom.mapping.jdbc.DatabaseUrl} parses database URLs and builds connection pools without
 *       ever showing the password.
 * </ul>
 *
 * <p>Everything in {@code io.loom.mapping.jdbc.internal} is implementation and may change.
 */
package io.loom.mapping.jdbc;
