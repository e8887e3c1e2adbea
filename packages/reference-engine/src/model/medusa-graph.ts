// Medusa's heads as one ONNX graph: the target's last-layer residual stream at one position,
// the target's final norm, then per head a residual block h + SiLU(W h + b) and the head's own
// output layer over the draft vocabulary. Inputs: hidden [1, hidden]; output: logits [heads, N].
// fp32: the heads run once per cycle (not once per drafted token), about 1.3M multiply-adds.
import { GraphBuilder } from '../kernels/onnx/graph.ts';
import { layerKit, type WeightSource } from './graph-layers.ts';
import type { DecoderConfig } from './config.ts';

/** `weights` holds heads.<k>.{proj.weight, proj.bias, out.weight} and the target's model.norm.weight. */
export function buildMedusaGraph(target: DecoderConfig, heads: number, weights: WeightSource): Uint8Array {
  const g = new GraphBuilder({ name: 'medusa', opset: 17 });
  const hidden = g.input('hidden', 'float32', [1, target.hidden]);
  const kit = layerKit(g, target, weights, undefined, 'medusa');
  const normed = kit.rmsnorm(hidden, 'model.norm.weight');
  const logits: string[] = [];
  for (let k = 0; k < heads; k++) {
    const pre = g.op('Add', [g.op('MatMul', [normed, kit.linear(`heads.${k}.proj.weight`)]), kit.vector(`heads.${k}.proj.bias`)]);
    const z = g.op('Add', [normed, g.op('Mul', [pre, g.op('Sigmoid', [pre])])]);
    logits.push(g.op('MatMul', [z, kit.linear(`heads.${k}.out.weight`)]));
  }
  g.node('Concat', logits, [g.output('logits', 'float32', [heads, 'N'])], { axis: 0 });
  return g.toModelBytes({ opset: 17 });
}
