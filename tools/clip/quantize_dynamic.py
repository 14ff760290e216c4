"""Dynamic INT8 quantization of an ONNX model, written with the `onnx` package only.

onnxruntime's Python quantizer (`onnxruntime.quantization.quantize_dynamic`, what Xenova's
`*_quantized.onnx` files were made with) cannot be installed here: there is no PyPI, and Debian has
no python3-onnxruntime. This script emits the same graph pattern that quantizer emits for MatMul,
so onnxruntime (onnxruntime-node 1.14, which Transformers.js 2.17 runs) executes it with its
integer kernels and fuses it into DynamicQuantizeMatMul where it can.

What it does:
  * every MatMul whose B input is a float 2-D initializer [K, N] (all the Linear layers of a
    transformer: fused QKV, attention output, both MLP layers, the final projection) becomes
        DynamicQuantizeLinear(A) -> A_q (uint8), A_scale, A_zero_point       (per tensor, at run time)
        MatMulInteger(A_q, W_q, A_zero_point)  -> int32                      (W_q int8, symmetric)
        Cast(float) ; Mul(A_scale, W_scale) ; Mul                            -> the MatMul's output
    with W_scale per output column (--per-tensor: one scale) and W's zero point 0 (the
    MatMulInteger default). One DynamicQuantizeLinear is shared by all MatMuls reading the same A.
  * every Gather whose data is a float 2-D initializer (the token embedding table) becomes
        Gather(W_q int8, ids) ; DequantizeLinear(scale, zero point 0)
    with one scale for the table (--embeddings float keeps it float).

What it leaves float: activations between layers, LayerNorm, biases (the Add after each MatMul),
position embeddings and the class token, attention's activation x activation MatMuls (Q.K^T and
softmax.V: no initializer to quantize), the vision patch Conv (ConvInteger would be possible; it
is one layer, 2.4 M weights), Softmax/Erf/GELU, and anything smaller than --min-elements.

Weights are int8 in [-63, 63] by default (7 bits: the `reduce_range` option of onnxruntime's
quantizer); --full-range uses [-127, 127]. Why 7 bits: on x86 CPUs without VNNI (AVX2 only, like
our build machines) onnxruntime's u8 x s8 kernel adds pairs of products in int16 (vpmaddubsw),
which saturates when 2 * 255 * |w| > 32767. Measured on the random ViT-B/32 export on this AVX2
machine (cosine of float vs quantized embeddings, 8 inputs): full range 0.987-0.991, 7 bits
0.9995-0.9999. On a VNNI CPU full range is safe and slightly more precise.

    /usr/bin/python3 tools/clip/quantize_dynamic.py IN.onnx OUT.onnx [--per-tensor] [--full-range]
        [--embeddings int8|float] [--min-elements 4096]
Prints one JSON line: counts of quantized nodes and the file sizes.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def symmetric_int8(w, axis, qmax):
    """int8 weights and float32 scales; axis None = one scale, else one scale per index of `axis`."""
    if axis is None:
        amax = np.abs(w).max(keepdims=True)
    else:
        amax = np.abs(w).max(axis=tuple(i for i in range(w.ndim) if i != axis), keepdims=True)
    scale = (amax / qmax).astype(np.float32)
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale), -qmax, qmax).astype(np.int8)
    return q, scale.reshape(-1) if axis is not None else scale.reshape(())


def quantize(model, per_channel=True, reduce_range=True, embeddings='int8', min_elements=4096):
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    qmax = 63 if reduce_range else 127
    new_inits = []
    nodes = []
    dql_cache = {}  # activation name -> (q, scale, zero point) outputs of its DynamicQuantizeLinear
    stats = {'matmul': 0, 'gather': 0, 'kept_float_matmul_with_weight': 0}
    used = set()  # float initializers replaced by a quantized copy (removed if nothing else reads them)

    def is_weight(name, ndim=2):
        t = inits.get(name)
        return t is not None and t.data_type == TensorProto.FLOAT and len(t.dims) == ndim

    for node in graph.node:
        if node.op_type == 'MatMul' and is_weight(node.input[1]):
            w = numpy_helper.to_array(inits[node.input[1]])
            if w.size < min_elements:
                stats['kept_float_matmul_with_weight'] += 1
                nodes.append(node)
                continue
            base = node.name or node.output[0]
            q, scale = symmetric_int8(w, 1 if per_channel else None, qmax)
            wq_name, ws_name = f'{node.input[1]}_quantized', f'{node.input[1]}_scale'
            if wq_name not in {i.name for i in new_inits}:
                new_inits.append(numpy_helper.from_array(q, wq_name))
                new_inits.append(numpy_helper.from_array(scale, ws_name))
            used.add(node.input[1])
            a = node.input[0]
            if a not in dql_cache:
                outs = (f'{a}_quantized', f'{a}_scale', f'{a}_zero_point')
                nodes.append(helper.make_node('DynamicQuantizeLinear', [a], list(outs), name=f'{a}_DynamicQuantizeLinear'))
                dql_cache[a] = outs
            aq, as_, azp = dql_cache[a]
            nodes += [
                helper.make_node('MatMulInteger', [aq, wq_name, azp], [f'{base}_int32'], name=f'{base}_MatMulInteger'),
                helper.make_node('Cast', [f'{base}_int32'], [f'{base}_float'], to=TensorProto.FLOAT, name=f'{base}_Cast'),
                helper.make_node('Mul', [as_, ws_name], [f'{base}_scale'], name=f'{base}_ScaleMul'),
                helper.make_node('Mul', [f'{base}_float', f'{base}_scale'], [node.output[0]], name=f'{base}_OutputMul'),
            ]
            stats['matmul'] += 1
        elif node.op_type == 'Gather' and embeddings == 'int8' and is_weight(node.input[0]) \
                and not any(a.name == 'axis' and a.i != 0 for a in node.attribute):
            w = numpy_helper.to_array(inits[node.input[0]])
            if w.size < min_elements:
                nodes.append(node)
                continue
            base = node.name or node.output[0]
            q, scale = symmetric_int8(w, None, qmax)
            wq_name = f'{node.input[0]}_quantized'
            new_inits += [numpy_helper.from_array(q, wq_name),
                          numpy_helper.from_array(scale, f'{node.input[0]}_scale'),
                          numpy_helper.from_array(np.zeros((), np.int8), f'{node.input[0]}_zero_point')]
            used.add(node.input[0])
            nodes += [
                helper.make_node('Gather', [wq_name, node.input[1]], [f'{base}_int8'], name=f'{base}_GatherQuantized'),
                helper.make_node('DequantizeLinear', [f'{base}_int8', f'{node.input[0]}_scale', f'{node.input[0]}_zero_point'],
                                 [node.output[0]], name=f'{base}_DequantizeLinear'),
            ]
            stats['gather'] += 1
        else:
            nodes.append(node)

    still_read = {i for n in nodes for i in n.input}
    keep = [i for i in graph.initializer if not (i.name in used and i.name not in still_read)]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(keep + new_inits)
    # MatMulInteger / DynamicQuantizeLinear / DequantizeLinear need opset >= 11 of the default domain.
    for op in model.opset_import:
        if op.domain in ('', 'ai.onnx') and op.version < 11:
            op.version = 11
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('input')
    ap.add_argument('output')
    ap.add_argument('--per-tensor', action='store_true', help='one weight scale per matrix instead of per output column')
    ap.add_argument('--full-range', action='store_true', help='8-bit weights [-127, 127]; may saturate on non-VNNI x86 (default: 7 bits)')
    ap.add_argument('--embeddings', choices=['int8', 'float'], default='int8')
    ap.add_argument('--min-elements', type=int, default=4096)
    args = ap.parse_args()
    model = onnx.load(args.input)
    stats = quantize(model, per_channel=not args.per_tensor, reduce_range=not args.full_range,
                     embeddings=args.embeddings, min_elements=args.min_elements)
    onnx.checker.check_model(model)
    tmp = args.output + '.tmp'
    onnx.save(model, tmp)
    os.replace(tmp, args.output)
    stats.update(input_bytes=os.path.getsize(args.input), output_bytes=os.path.getsize(args.output),
                 per_channel=not args.per_tensor, reduce_range=not args.full_range, embeddings=args.embeddings)
    print(json.dumps(stats))


if __name__ == '__main__':
    sys.exit(main())
