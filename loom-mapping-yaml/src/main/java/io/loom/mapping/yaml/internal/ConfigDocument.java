package io.loom.mapping.yaml.internal;

import java.io.IOException;

/**
 * One YAML document to read: its text, the name used in problem locations ({@code
 * topic_mappings.yml}), and how files it refers to ({@code schema_file: schemas/gps-v2.json}) are
 * found.
 *
 * @param name the name shown in locations, usually the file name
 * @param text the whole document
 * @param includes resolves relative references from this document
 */
public record ConfigDocument(String name, String text, Includes includes) {

  /** Finds files a document refers to. */
  @FunctionalInterface
  public interface Includes {
    /** Refuses every reference: for documents given as text. */
    Includes NONE = ref -> {
      throw new IOException("a document given as text cannot refer to other files");
    };

    /**
     * Reads the file {@code reference} names (relative to the document).
     *
     * @throws IOException naming what could not be read
     */
    Included read(String reference) throws IOException;
  }

  /**
   * A file read on behalf of a document.
   *
   * @param name the name shown in locations ({@code gps-v2.json})
   * @param text its content
   * @param stamp its change stamp (for files on disk), or {@code null}
   */
  public record Included(String name, String text, FileStamp stamp) {}
}
