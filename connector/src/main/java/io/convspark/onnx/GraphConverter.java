package io.convspark.onnx;

import io.convspark.ModelException;
import io.convspark.graph.Attribute;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import io.convspark.onnx.proto.AttributeProto;
import io.convspark.onnx.proto.GraphProto;
import io.convspark.onnx.proto.ModelProto;
import io.convspark.onnx.proto.NodeProto;
import io.convspark.onnx.proto.OperatorSetIdProto;
import io.convspark.onnx.proto.TensorProto;
import io.convspark.onnx.proto.TensorShapeProto;
import io.convspark.onnx.proto.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Converts a parsed ModelProto into the compiler's {@link Graph}, validating as it goes. */
final class GraphConverter {
  static final long MIN_OPSET = 6;
  static final long MAX_OPSET = 21;
  static final long MIN_IR_VERSION = 3;
  static final long MAX_IR_VERSION = 11;
  private static final int MAX_LISTED = 10;

  private static final System.Logger LOG = System.getLogger(GraphConverter.class.getName());
  private final String source;
  private final LoaderLimits limits;
  private final TensorDecoder tensors;
  private long opset;

  private GraphConverter(LoaderLimits limits, Path baseDir, String source) {
    this.source = source;
    this.limits = limits;
    this.tensors = new TensorDecoder(limits, baseDir, source);
  }

  static Graph convert(ModelProto m, LoaderLimits limits, Path baseDir, String source) {
    return new GraphConverter(limits, baseDir, source).convert(m);
  }

  private ModelException error(String what) {
    return new ModelException("cannot load " + source + ": " + what);
  }

  private Graph convert(ModelProto m) {
    if (!m.hasGraph()) {
      throw error("it has no graph (ModelProto field 7); this is not an ONNX model");
    }
    if (!m.hasIrVersion()) {
      throw error("ir_version is missing (ModelProto field 1); supported IR versions are "
          + MIN_IR_VERSION + " to " + MAX_IR_VERSION);
    }
    if (m.getIrVersion() < MIN_IR_VERSION || m.getIrVersion() > MAX_IR_VERSION) {
      throw error("ir_version " + m.getIrVersion() + " is not supported; supported IR versions"
          + " are " + MIN_IR_VERSION + " to " + MAX_IR_VERSION);
    }
    opset = defaultOpset(m);
    GraphProto g = m.getGraph();
    if (g.getNodeCount() == 0) {
      throw error("the graph has no nodes");
    }
    if (g.getNodeCount() > limits.maxNodes()) {
      throw error("the graph has " + g.getNodeCount() + " nodes, more than the limit of "
          + limits.maxNodes() + " (LoaderLimits.maxNodes)");
    }
    checkFunctionCalls(g, LocalFunctions.of(m));
    checkDomains(g);
    Graph graph = new Graph(g.getName(), opset);
    for (TensorProto t : g.getInitializerList()) {
      if (t.getName().isEmpty()) {
        throw error("an initializer has an empty name");
      }
      if (graph.constants().containsKey(t.getName())) {
        throw error("initializer '" + t.getName() + "' is defined twice; names must be unique");
      }
      graph.constants().put(t.getName(), tensors.decode(t, "initializer '" + t.getName() + "'"));
    }
    for (ValueInfoProto v : g.getInputList()) {
      if (graph.constants().containsKey(v.getName())) {
        // IR < 4 lists every initializer as an input; from IR 4 on it means "overridable
        // default". We never override weights, so it stays a constant (and folds): say so.
        if (m.getIrVersion() >= 4) {
          LOG.log(System.Logger.Level.WARNING, "in " + source + ": initializer '" + v.getName()
              + "' is also listed in graph.input; it is treated as a constant (weights cannot be"
              + " overridden at run time)");
        }
        continue;
      }
      if (v.getName().isEmpty() || graph.inputs().containsKey(v.getName())) {
        throw error("graph input '" + v.getName() + "' is empty or listed twice; input names"
            + " must be unique and not empty");
      }
      if (v.getType().hasTensorType() && TensorDecoder.onnxTypeName(
          v.getType().getTensorType().getElemType()).matches("UNDEFINED|unknown.*")) {
        throw error("graph input '" + v.getName() + "' has element type " + TensorDecoder
            .onnxTypeName(v.getType().getTensorType().getElemType()) + "; a graph input must"
            + " declare a known element type");
      }
      Shape s = shapeOf(v, "graph input");
      if (s == null) {
        throw error("graph input '" + v.getName() + "' has no tensor shape; its rank must be"
            + " declared (unknown dimensions may be symbolic)");
      }
      graph.inputs().put(v.getName(), s);
      graph.shapes().put(v.getName(), s);
    }
    if (g.getOutputCount() == 0) {
      throw error("the graph has no outputs");
    }
    for (ValueInfoProto v : g.getOutputList()) {
      if (v.getName().isEmpty() || graph.outputs().contains(v.getName())) {
        throw error("graph output '" + v.getName() + "' is empty or listed twice; output names"
            + " must be unique and not empty");
      }
      graph.outputs().add(v.getName());
      putShape(graph, v, "graph output");
    }
    for (ValueInfoProto v : g.getValueInfoList()) {
      putShape(graph, v, "value_info");
    }
    List<Node> nodes = convertNodes(g, graph);
    Set<String> defined = new HashSet<>(graph.constants().keySet());
    defined.addAll(graph.inputs().keySet());
    graph.nodes().addAll(GraphOrder.sort(nodes, defined, graph.outputs(), opset, source));
    return graph;
  }

  private long defaultOpset(ModelProto m) {
    long found = -1;
    String foundDomain = "";
    List<String> others = new ArrayList<>();
    for (OperatorSetIdProto o : m.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        if (o.getVersion() > found) {
          found = o.getVersion();
          foundDomain = o.getDomain();
        }
      } else {
        others.add(o.getDomain() + " " + o.getVersion());
      }
    }
    if (found < 0) {
      throw error("opset_import has no entry for the default ONNX domain (\"\" or \"ai.onnx\");"
          + " found " + others);
    }
    if (found < MIN_OPSET || found > MAX_OPSET) {
      throw error("default-domain opset " + found + " is not supported; supported opsets are "
          + MIN_OPSET + " to " + MAX_OPSET + " (opset_import domain \"" + foundDomain
          + "\" version " + found + ")");
    }
    return found;
  }

  /** Local functions are not expanded (so a recursive one cannot recurse): calls are refused. */
  private void checkFunctionCalls(GraphProto g, Set<String> functions) {
    for (NodeProto n : g.getNodeList()) {
      String key = LocalFunctions.key(n.getDomain(), n.getOpType());
      if (functions.contains(key)) {
        throw error(n.getOpType() + " node '" + n.getName() + "' (opset " + opset + ") of domain "
            + (n.getDomain().isEmpty() ? "ai.onnx" : n.getDomain()) + " calls local function '"
            + key + "' (ModelProto.functions); local functions are not supported");
      }
    }
  }

  private void checkDomains(GraphProto g) {
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      String d = n.getDomain();
      if (!d.isEmpty() && !d.equals("ai.onnx")) {
        if (bad.size() < MAX_LISTED) {
          bad.add("'" + n.getName() + "' (" + n.getOpType() + ", domain " + d + ")");
        } else if (bad.size() == MAX_LISTED) {
          bad.add("...");
        }
      }
    }
    if (!bad.isEmpty()) {
      throw error("nodes of operator domains other than the default ONNX domain (opset " + opset
          + ") are not supported: " + String.join(", ", bad));
    }
  }

  private List<Node> convertNodes(GraphProto g, Graph graph) {
    List<Node> nodes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto p = g.getNode(i);
      if (p.getOpType().isEmpty()) {
        throw error("node " + i + " '" + p.getName() + "' has an empty op_type (opset " + opset
            + "); every node must name its operator");
      }
      String name = uniqueName(p.getName().isEmpty() ? p.getOpType() + "_" + i : p.getName(),
          names);
      String desc = p.getOpType() + " node '" + name + "' (opset " + opset + ")";
      String at = "cannot load " + desc + " in " + source + ": ";
      Map<String, Attribute> attrs = new LinkedHashMap<>();
      for (AttributeProto a : p.getAttributeList()) {
        Attribute attr = AttributeConverter.convert(a, tensors, desc, at);
        if (attrs.put(attr.name(), attr) != null) {
          throw new ModelException(at + "attribute '" + attr.name() + "' is given twice");
        }
      }
      if (p.getOpType().equals("Constant")) {
        addConstant(p, attrs, graph, at);
        continue;
      }
      nodes.add(new Node(name, p.getOpType(), p.getDomain(), p.getInputList(),
          p.getOutputList(), attrs));
    }
    return nodes;
  }

  private static String uniqueName(String base, Set<String> names) {
    String name = base;
    for (int k = 2; !names.add(name); k++) {
      name = base + "_" + k;
    }
    return name;
  }

  private void addConstant(NodeProto p, Map<String, Attribute> attrs, Graph graph, String at) {
    if (p.getOutputCount() != 1 || p.getOutput(0).isEmpty() || p.getInputCount() != 0) {
      throw new ModelException(at + p.getInputCount() + " inputs and outputs " + p.getOutputList()
          + "; Constant has no inputs and one named output");
    }
    if (attrs.size() != 1) {
      throw new ModelException(at + "attributes " + attrs.keySet() + "; Constant needs exactly"
          + " one of [value, value_float, value_floats, value_int, value_ints]");
    }
    Attribute a = attrs.values().iterator().next();
    Tensor t = switch (a.name() + ":" + a.kind()) {
      case "value:TENSOR" -> a.t();
      case "value_float:FLOAT" -> Tensor.scalarFloat(a.f());
      case "value_floats:FLOATS" -> Tensor.ofFloats(new long[] {a.floats().length}, a.floats());
      case "value_int:INT" -> Tensor.ofLongs(io.convspark.graph.DataType.INT64, new long[0],
          new long[] {a.i()});
      case "value_ints:INTS" -> Tensor.ofLongs(a.ints());
      default -> throw new ModelException(at + "attribute '" + a.name() + "' of type "
          + a.kind() + " is not supported; expected one of [value (TENSOR), value_float (FLOAT),"
          + " value_floats (FLOATS), value_int (INT), value_ints (INTS)]");
    };
    String out = p.getOutput(0);
    if (graph.constants().containsKey(out) || graph.inputs().containsKey(out)) {
      throw new ModelException(at + "output '" + out + "' has the same name as an initializer,"
          + " graph input or another Constant; every value must have one producer");
    }
    graph.constants().put(out, t);
  }

  private void putShape(Graph graph, ValueInfoProto v, String role) {
    Shape s = shapeOf(v, role);
    if (s != null && !v.getName().isEmpty()) {
      graph.shapes().put(v.getName(), s);
    }
  }

  /** The declared shape, with -1 for symbolic or missing dims; null when no shape is given. */
  private Shape shapeOf(ValueInfoProto v, String role) {
    if (!v.getType().hasTensorType()) {
      if (v.hasType() && role.equals("graph input")) {
        throw error(role + " '" + v.getName() + "' is not a tensor; sequence, map and optional"
            + " values are not supported");
      }
      return null;
    }
    if (!v.getType().getTensorType().hasShape()) {
      return null;
    }
    TensorShapeProto sp = v.getType().getTensorType().getShape();
    long[] dims = new long[sp.getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      TensorShapeProto.Dimension d = sp.getDim(i);
      dims[i] = d.hasDimValue() ? d.getDimValue() : -1;
      if (d.hasDimValue() && d.getDimValue() < 0) {
        throw error(role + " '" + v.getName() + "' has dimension " + i + " = " + d.getDimValue()
            + "; declared dimensions must be zero or positive (use dim_param when unknown)");
      }
    }
    return Shape.of(dims);
  }
}
