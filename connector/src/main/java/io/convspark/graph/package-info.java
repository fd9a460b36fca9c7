/**
 * The compiler's graph IR and its rewrite passes. Each pass is a small class: a pure match
 * predicate plus a mechanical rewrite; attribute defaults come from the ONNX spec.
 */
package io.convspark.graph;
