package io.convspark.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One operator application. Inputs and outputs are value names; an empty name is an absent
 * optional input, as in ONNX. Passes rewrite nodes in place or replace them.
 */
public final class Node {
  private final String name;
  private final String opType;
  private final String domain;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Map<String, Attribute> attributes;

  public Node(String name, String opType, String domain, List<String> inputs,
      List<String> outputs, Map<String, Attribute> attributes) {
    this.name = Objects.requireNonNull(name, "name");
    this.opType = Objects.requireNonNull(opType, "opType");
    this.domain = domain == null ? "" : domain;
    this.inputs = new ArrayList<>(inputs);
    this.outputs = new ArrayList<>(outputs);
    this.attributes = new LinkedHashMap<>(attributes);
  }

  public String name() {
    return name;
  }

  public String opType() {
    return opType;
  }

  /** "" or "ai.onnx" is the default domain. */
  public String domain() {
    return domain;
  }

  public List<String> inputs() {
    return inputs;
  }

  /** Input i, or "" when absent. */
  public String input(int i) {
    return i < inputs.size() ? inputs.get(i) : "";
  }

  public boolean hasInput(int i) {
    return !input(i).isEmpty();
  }

  public List<String> outputs() {
    return outputs;
  }

  public String output(int i) {
    return i < outputs.size() ? outputs.get(i) : "";
  }

  public Map<String, Attribute> attributes() {
    return Collections.unmodifiableMap(attributes);
  }

  public Attribute attribute(String key) {
    return attributes.get(key);
  }

  public void setAttribute(Attribute a) {
    attributes.put(a.name(), a);
  }

  public long intAttr(String key, long dflt) {
    Attribute a = attributes.get(key);
    return a == null ? dflt : a.i();
  }

  public float floatAttr(String key, float dflt) {
    Attribute a = attributes.get(key);
    return a == null ? dflt : a.f();
  }

  public String stringAttr(String key, String dflt) {
    Attribute a = attributes.get(key);
    return a == null ? dflt : a.s();
  }

  /** The ints attribute, or {@code dflt} (may be null) when absent. */
  public long[] intsAttr(String key, long[] dflt) {
    Attribute a = attributes.get(key);
    return a == null ? dflt : a.ints().clone();
  }

  /**
   * How error messages name a node: "node 'conv1' (Conv), opset 13", with the domain when it is
   * not the default one. Nodes do not know their opset; the graph does.
   */
  public String describe(long opset) {
    boolean defaultDomain = domain.isEmpty() || domain.equals("ai.onnx");
    return "node '" + name + "' (" + opType + ")" + (defaultDomain ? "" : " of domain " + domain)
        + ", opset " + opset;
  }

  @Override
  public String toString() {
    return opType + " '" + name + "' " + inputs + " -> " + outputs;
  }
}
