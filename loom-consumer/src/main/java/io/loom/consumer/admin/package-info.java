/**
 * The service shell: the admin HTTP API ({@link io.loom.consumer.admin.AdminServer}) over the data an
 * {@link io.loom.consumer.admin.AdminBackend} provides, and the seam through which the command line runs
 * the consumer engine ({@link io.loom.consumer.admin.LoomService}, {@link
 * io.loom.consumer.admin.LoomServiceFactory}, {@link io.loom.consumer.admin.ServiceRunner}).
 */
package io.loom.consumer.admin;
