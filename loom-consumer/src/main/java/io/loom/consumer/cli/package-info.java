/** The {@code loom} command line ({@link io.loom.consumer.cli.LoomCli}), the main class of the runnable jar. */
package io.loom.consumer.cli;
