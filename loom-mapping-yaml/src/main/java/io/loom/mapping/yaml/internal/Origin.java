package io.loom.mapping.yaml.internal;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where YAML documents come from: one file, every {@code *.yml}/{@code *.yaml} file of a directory, a
 * class-path resource, or text.
 *
 * <p>Design note: files are read whole, once per load, as strict UTF-8 (a byte-order mark is
 * dropped) and refused above {@link #MAX_FILE_BYTES}; a file that cannot be read at all is a {@link
 * LoomException}, a file that is too large or not UTF-8 an {@link InvalidConfigurationException}
 * naming it. In a directory, names starting with a dot are skipped: editors' swap files, and the
 * {@code ..data} links through which mounted configuration volumes swap content atomically.
 */
public sealed interface Origin {
  /** The largest file accepted (YAML or an included schema), in bytes. */
  long MAX_FILE_BYTES = YamlConfigParser.MAX_DOCUMENT_CHARS;

  /** Reads every document. */
  List<ConfigDocument> read();

  /** {@code yaml:<as given>}, for logs and messages. */
  String describe();

  /** The files whose changes matter (re-listed on every call for a directory); empty if nothing can change. */
  List<Path> files();

  /** Whether changes can be watched at all. */
  boolean watchable();

  /** A single file. */
  record File(Path path) implements Origin {
    @Override
    public List<ConfigDocument> read() {
      return List.of(readDocument(path, describe()));
    }

    @Override
    public String describe() {
      return "yaml:" + path;
    }

    @Override
    public List<Path> files() {
      return List.of(path);
    }

    @Override
    public boolean watchable() {
      return true;
    }
  }

  /** Every {@code *.yml} and {@code *.yaml} file directly in a directory, in name order, read as one. */
  record Directory(Path path) implements Origin {
    @Override
    public List<ConfigDocument> read() {
      List<Path> files = files();
      if (files.isEmpty()) {
        throw new LoomException("configuration directory " + path + " holds no .yml or .yaml file");
      }
      List<ConfigDocument> documents = new ArrayList<>();
      for (Path file : files) {
        documents.add(readDocument(file, describe()));
      }
      return documents;
    }

    @Override
    public String describe() {
      return "yaml:" + path;
    }

    @Override
    public List<Path> files() {
      if (!Files.isDirectory(path)) {
        throw new LoomException("configuration directory " + path + " does not exist");
      }
      try (Stream<Path> entries = Files.list(path)) {
        return entries.filter(Origin::isConfigFile).sorted().toList();
      } catch (IOException e) {
        throw new LoomException("configuration directory " + path + " cannot be listed: " + e, e);
      }
    }

    @Override
    public boolean watchable() {
      return true;
    }
  }

  /** A class-path resource such as {@code io/loom/mapping/yaml/sample/loom-sample.yml}; never changes. */
  record Classpath(String resource, ClassLoader loader) implements Origin {
    @Override
    public List<ConfigDocument> read() {
      String text = readResource(resource);
      return List.of(new ConfigDocument(fileName(resource), text, reference -> {
        String target;
        try {
          target = URI.create(resource).resolve(reference).getPath();
        } catch (IllegalArgumentException e) {
          throw new IOException("'" + reference + "' is not a relative resource path");
        }
        if (target.startsWith("/")) {
          target = target.substring(1);
        }
        try {
          return new ConfigDocument.Included(reference, readResource(target), null);
        } catch (LoomException e) {
          throw new IOException(e.getMessage(), e);
        }
      }));
    }

    private String readResource(String name) {
      try (InputStream in = loader.getResourceAsStream(name)) {
        if (in == null) {
          throw new LoomException("class-path resource " + name + " does not exist");
        }
        byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
          throw new LoomException("class-path resource " + name + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return decode(bytes, fileName(name), describe());
      } catch (IOException e) {
        throw new LoomException("class-path resource " + name + " cannot be read: " + e, e);
      }
    }

    @Override
    public String describe() {
      return "yaml:classpath:" + resource;
    }

    @Override
    public List<Path> files() {
      return List.of();
    }

    @Override
    public boolean watchable() {
      return false;
    }
  }

  /** YAML text held in memory; it cannot refer to other files. */
  record Text(String name, String text) implements Origin {
    @Override
    public List<ConfigDocument> read() {
      return List.of(new ConfigDocument(name, text, ConfigDocument.Includes.NONE));
    }

    @Override
    public String describe() {
      return "yaml:" + name;
    }

    @Override
    public List<Path> files() {
      return List.of();
    }

    @Override
    public boolean watchable() {
      return false;
    }
  }

  /** Whether a directory entry is a configuration file: {@code *.yml}/{@code *.yaml}, not hidden, a file. */
  static boolean isConfigFile(Path file) {
    String name = file.getFileName().toString();
    return !name.startsWith(".") && (name.endsWith(".yml") || name.endsWith(".yaml")) && Files.isRegularFile(file);
  }

  private static ConfigDocument readDocument(Path file, String source) {
    byte[] bytes = readBytes(file, source);
    String name = file.getFileName().toString();
    Path base = file.toAbsolutePath().getParent();
    return new ConfigDocument(name, decode(bytes, name, source), reference -> {
      Path target = base.resolve(reference).normalize();
      BasicFileAttributes attributes;
      byte[] content;
      try {
        attributes = Files.readAttributes(target, BasicFileAttributes.class);
        if (attributes.size() > MAX_FILE_BYTES) {
          throw new IOException("it is larger than " + MAX_FILE_BYTES + " bytes");
        }
        content = Files.readAllBytes(target);
      } catch (NoSuchFileException e) {
        throw new IOException("no such file (looked for " + target + ")");
      }
      String text;
      try {
        text = strictUtf8(content);
      } catch (CharacterCodingException e) {
        throw new IOException("it is not UTF-8 text");
      }
      return new ConfigDocument.Included(reference, text, FileStamp.ofContent(target, attributes, content));
    });
  }

  private static byte[] readBytes(Path file, String source) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw invalid(source, file.getFileName().toString(), "the file is " + size + " bytes; at most "
            + MAX_FILE_BYTES + " bytes are accepted");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new LoomException("configuration file " + file + " does not exist (" + source + ")");
    } catch (IOException e) {
      throw new LoomException("configuration file " + file + " cannot be read (" + source + "): " + e, e);
    }
  }

  private static String decode(byte[] bytes, String name, String source) {
    try {
      return strictUtf8(bytes);
    } catch (CharacterCodingException e) {
      throw invalid(source, name, "the file is not UTF-8 text");
    }
  }

  private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
    String text = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static InvalidConfigurationException invalid(String source, String name, String message) {
    return new InvalidConfigurationException(source, List.of(new ConfigProblem(name, "document", message)));
  }

  private static String fileName(String resource) {
    int slash = resource.lastIndexOf('/');
    return slash < 0 ? resource : resource.substring(slash + 1);
  }
}
