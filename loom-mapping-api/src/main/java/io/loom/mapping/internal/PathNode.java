package io.loom.mapping.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node of the compiled path trie: one position in the JSON document that some mapped path reaches.
 *
 * <p>Design: all source paths of a mapping are merged into one trie, so that the parser looks up
 * each field name once and skips unmatched subtrees. Member names sit in document (configuration)
 * order with a rotating guess, so that for messages written in that order a lookup is a single
 * identity comparison (Jackson interns field names); a hash map catches the rest. An array's
 * {@code [*]} child is pre-merged into each explicit index child ({@code items[0].x} with {@code
 * items[*].y}), since one streaming pass can visit each element only once. Immutable after
 * {@link Builder#freeze()}.
 */
final class PathNode {
  private static final Capture[] NO_CAPTURES = new Capture[0];

  /** The document path of this node ({@code data.items[*]}); empty for the root. */
  final String path;
  /** A mapped source path that goes through this node, for error messages. */
  final String example;

  /** Member names in configuration order, or {@code null} if no path steps into an object here. */
  final String[] names;
  final PathNode[] members;
  private final Map<String, Integer> memberIndex;

  private final int[] indexes;
  private final PathNode[] indexed;
  /** The node every element reaches through {@code [*]}, or {@code null}. */
  final PathNode wildcard;

  /** Columns reading the value at this node. */
  final Capture[] captures;
  /** The array columns ({@code array}, {@code float_array}) among {@link #captures}. */
  final Capture[] collectors;
  /** The {@code json}/{@code json_stringify} columns among {@link #captures}. */
  final Capture[] spans;
  /** A column that cannot take an object ({@code null} if all can). */
  final Capture refusesObject;
  /** A column that cannot take an array ({@code null} if all can). */
  final Capture refusesArray;
  /** Whether some path steps into an array here (index, {@code [*]} or an array column). */
  final boolean wantsArray;
  /** Whether a path steps into an array here by index or {@code [*]}. */
  final boolean hasElements;

  private PathNode(Builder b, Map<String, PathNode> frozenMembers, int[] indexes, PathNode[] indexed, PathNode wildcard) {
    this.path = b.path;
    this.example = b.example();
    if (frozenMembers.isEmpty()) {
      names = null;
      members = null;
      memberIndex = null;
    } else {
      names = new String[frozenMembers.size()];
      members = new PathNode[frozenMembers.size()];
      memberIndex = new HashMap<>();
      int i = 0;
      for (Map.Entry<String, PathNode> e : frozenMembers.entrySet()) {
        names[i] = e.getKey().intern();
        members[i] = e.getValue();
        memberIndex.put(names[i], i);
        i++;
      }
    }
    this.indexes = indexes;
    this.indexed = indexed;
    this.wildcard = wildcard;
    this.captures = b.captures.isEmpty() ? NO_CAPTURES : b.captures.toArray(NO_CAPTURES);
    this.collectors = Arrays.stream(captures).filter(Capture::collectsArray).toArray(Capture[]::new);
    this.spans = Arrays.stream(captures).filter(c -> c.kind == Capture.Kind.JSON).toArray(Capture[]::new);
    this.refusesObject = Arrays.stream(captures).filter(c -> c.kind != Capture.Kind.JSON).findFirst().orElse(null);
    this.refusesArray = Arrays.stream(captures)
        .filter(c -> c.kind != Capture.Kind.JSON && !c.collectsArray()).findFirst().orElse(null);
    this.hasElements = indexes.length > 0 || wildcard != null;
    this.wantsArray = hasElements || collectors.length > 0;
  }

  /**
   * The member named {@code name}, trying position {@code guess} first.
   *
   * @return the member's position, or -1
   */
  int member(String name, int guess) {
    if (guess < names.length && names[guess].equals(name)) {
      return guess;
    }
    Integer position = memberIndex.get(name);
    return position == null ? -1 : position;
  }

  /** The node element {@code i} of an array reaches, or {@code null}. */
  PathNode element(int i) {
    if (indexes.length > 0) {
      int k = Arrays.binarySearch(indexes, i);
      if (k >= 0) {
        return indexed[k];
      }
    }
    return wildcard;
  }

  /** A mutable trie node, built from the parsed paths and then frozen. */
  static final class Builder {
    final String path;
    final LinkedHashMap<String, Builder> members = new LinkedHashMap<>();
    final TreeMap<Integer, Builder> indexed = new TreeMap<>();
    Builder wildcard;
    final List<Capture> captures = new ArrayList<>();

    Builder(String path) {
      this.path = path;
    }

    /** Adds the path's segments below this node and the capture at its end. */
    void add(List<FieldPath.Segment> segments, Capture capture) {
      Builder node = this;
      for (FieldPath.Segment segment : segments) {
        node = node.child(segment);
      }
      node.captures.add(capture);
    }

    private Builder child(FieldPath.Segment segment) {
      if (segment instanceof FieldPath.Field field) {
        return members.computeIfAbsent(field.name(), n -> new Builder(path.isEmpty() ? n : path + "." + n));
      }
      if (segment instanceof FieldPath.Index index) {
        return indexed.computeIfAbsent(index.index(), i -> new Builder(path + "[" + i + "]"));
      }
      if (wildcard == null) {
        wildcard = new Builder(path + "[*]");
      }
      return wildcard;
    }

    String example() {
      if (!captures.isEmpty()) {
        return captures.get(0).sourcePath;
      }
      for (Builder b : members.values()) {
        return b.example();
      }
      for (Builder b : indexed.values()) {
        return b.example();
      }
      return wildcard == null ? path : wildcard.example();
    }

    /** A new builder holding both subtrees; paths of {@code this} win for display. */
    private static Builder merge(Builder a, Builder b) {
      if (b == null) {
        return a;
      }
      if (a == null) {
        return b;
      }
      Builder m = new Builder(a.path);
      m.captures.addAll(a.captures);
      m.captures.addAll(b.captures);
      for (Map.Entry<String, Builder> e : a.members.entrySet()) {
        m.members.put(e.getKey(), merge(e.getValue(), b.members.get(e.getKey())));
      }
      for (Map.Entry<String, Builder> e : b.members.entrySet()) {
        m.members.putIfAbsent(e.getKey(), e.getValue());
      }
      for (Map.Entry<Integer, Builder> e : a.indexed.entrySet()) {
        m.indexed.put(e.getKey(), merge(e.getValue(), b.indexed.get(e.getKey())));
      }
      for (Map.Entry<Integer, Builder> e : b.indexed.entrySet()) {
        m.indexed.putIfAbsent(e.getKey(), e.getValue());
      }
      m.wildcard = merge(a.wildcard, b.wildcard);
      return m;
    }

    PathNode freeze() {
      Map<String, PathNode> frozen = new LinkedHashMap<>();
      for (Map.Entry<String, Builder> e : members.entrySet()) {
        frozen.put(e.getKey(), e.getValue().freeze());
      }
      int[] positions = new int[indexed.size()];
      PathNode[] nodes = new PathNode[indexed.size()];
      int i = 0;
      for (Map.Entry<Integer, Builder> e : indexed.entrySet()) {
        positions[i] = e.getKey();
        nodes[i] = merge(e.getValue(), wildcard).freeze();
        i++;
      }
      return new PathNode(this, frozen, positions, nodes, wildcard == null ? null : wildcard.freeze());
    }
  }
}
