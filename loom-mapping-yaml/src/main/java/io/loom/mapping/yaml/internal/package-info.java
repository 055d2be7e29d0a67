/**
 * Implementation of the YAML source: origins of documents, the node-based readers of both shapes,
 * diagnostics with locations, the canonical emitter and the polling file watcher. Not an API.
 */
package io.loom.mapping.yaml.internal;
