"""Export a CLIP ViT-B/32-ARCHITECTURE model with RANDOM weights, for speed measurement only.

No pretrained CLIP weights can reach our machines, but the benchmarks (issue 6) need to know how a
real CLIP would perform on this hardware. This builds the same shapes as openai/clip-vit-base-patch32
(vision: 224px, 32px patches, width 768, 12 layers, 12 heads; text: 77 positions, vocab 49408,
width 512, 12 layers, 8 heads; projection 512) and exports them in the Transformers.js layout.
The embeddings are meaningless. The tokenizer is our word-level one padded to CLIP's vocabulary size.

    /usr/bin/python3 tools/model/python/make_random_clip_b32.py [--out models/.work/random-clip-vit-b32]
then load with ClipEmbedder.create({ modelsDir: 'models/.work', modelId: 'random-clip-vit-b32' }).
"""
import argparse
import json
import os
import shutil
import sys

import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from style_clip import Block  # noqa: E402


class VisionB32(nn.Module):
    def __init__(self, width=768, layers=12, heads=12, patch=32, size=224, dim=512):
        super().__init__()
        self.patch = nn.Conv2d(3, width, patch, patch, bias=False)
        self.cls = nn.Parameter(torch.randn(width) * 0.02)
        self.pos = nn.Parameter(torch.randn((size // patch) ** 2 + 1, width) * 0.02)
        self.pre = nn.LayerNorm(width)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.post = nn.LayerNorm(width)
        self.proj = nn.Linear(width, dim, bias=False)

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, -1), x], dim=1) + self.pos
        x = self.pre(x)
        bias = torch.zeros(1, 1, 1, x.shape[1])
        for b in self.blocks:
            x = b(x, bias)
        return self.proj(self.post(x[:, 0]))


class TextB32(nn.Module):
    def __init__(self, vocab=49408, width=512, layers=12, heads=8, max_len=77, dim=512):
        super().__init__()
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(torch.randn(max_len, width) * 0.01)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)
        self.proj = nn.Linear(width, dim, bias=False)

    def forward(self, input_ids, attention_mask):
        t = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:t]
        causal = torch.triu(torch.full((t, t), -1e4), diagonal=1)
        pad = (1.0 - attention_mask.to(x.dtype)).unsqueeze(1).unsqueeze(1) * -1e4
        for b in self.blocks:
            x = b(x, causal + pad)
        x = self.ln(x)
        # CLIP pools at the end-of-text token; the last real token is the same amount of work.
        last = attention_mask.sum(dim=1) - 1
        return self.proj(x[torch.arange(x.shape[0]), last])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='models/.work/random-clip-vit-b32')
    ap.add_argument('--tokenizer-from', default='models/style-clip-mini')
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(os.path.join(args.out, 'onnx'), exist_ok=True)
    with torch.no_grad():
        text, vision = TextB32().eval(), VisionB32().eval()
        torch.onnx.export(text, (torch.ones(2, 7, dtype=torch.long), torch.ones(2, 7, dtype=torch.long)),
                          os.path.join(args.out, 'onnx', 'text_model.onnx'),
                          input_names=['input_ids', 'attention_mask'], output_names=['text_embeds'],
                          dynamic_axes={'input_ids': {0: 'batch', 1: 'sequence'}, 'attention_mask': {0: 'batch', 1: 'sequence'},
                                        'text_embeds': {0: 'batch'}}, opset_version=14)
        torch.onnx.export(vision, (torch.zeros(2, 3, 224, 224),), os.path.join(args.out, 'onnx', 'vision_model.onnx'),
                          input_names=['pixel_values'], output_names=['image_embeds'],
                          dynamic_axes={'pixel_values': {0: 'batch'}, 'image_embeds': {0: 'batch'}}, opset_version=14)
    with open(os.path.join(args.tokenizer_from, 'tokenizer.json')) as f:
        tok = json.load(f)  # word-level vocab (< 49408 ids), valid for the 49408-row table
    with open(os.path.join(args.out, 'tokenizer.json'), 'w') as f:
        json.dump(tok, f)
    with open(os.path.join(args.tokenizer_from, 'tokenizer_config.json')) as f:
        tc = json.load(f)
    tc['model_max_length'] = 77
    with open(os.path.join(args.out, 'tokenizer_config.json'), 'w') as f:
        json.dump(tc, f, indent=2)
    with open(os.path.join(args.tokenizer_from, 'preprocessor_config.json')) as f:
        pc = json.load(f)
    pc.update(size={'shortest_edge': 224}, crop_size={'height': 224, 'width': 224})
    with open(os.path.join(args.out, 'preprocessor_config.json'), 'w') as f:
        json.dump(pc, f, indent=2)
    config = {'model_type': 'clip', 'projection_dim': 512, 'random_weights': True,
              'text_config': {'model_type': 'clip_text_model', 'hidden_size': 512, 'num_hidden_layers': 12, 'max_position_embeddings': 77, 'vocab_size': 49408},
              'vision_config': {'model_type': 'clip_vision_model', 'hidden_size': 768, 'num_hidden_layers': 12, 'patch_size': 32, 'image_size': 224}}
    with open(os.path.join(args.out, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
    print('wrote', args.out)


if __name__ == '__main__':
    main()
