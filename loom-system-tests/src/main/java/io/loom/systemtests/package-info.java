/**
 * System tests of the whole service and the tools a developer runs by hand: fault injection against the
 * runnable jar, the corpus of bad messages and the corpus of bad configurations.
 */
package io.loom.systemtests;
