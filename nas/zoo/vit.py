"""A small Vision Transformer (Dosovitskiy et al. 2021, timm's module layout) and a bare attention block.

    vit_tiny(num_classes=10, image=32, patch=4, dim=64, depth=2, heads=4, mlp_ratio=2, attention="matmul")
    attention_block(scale=8.0)          softmax(q @ k^T / scale) @ v, the three inputs q, k, v

``attention`` picks how a block computes attention, all giving the same products: ``matmul``
(``q @ k.transpose(-2, -1)``, softmax, ``@ v`` as timm writes it), ``sdpa``
(``F.scaled_dot_product_attention``) or ``mha`` (``nn.MultiheadAttention``, separate q/k/v projections).
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class AttentionBlock(nn.Module):
    """softmax(q @ k^T / scale) @ v: the two products of attention, nothing learned."""

    def __init__(self, scale: float = 8.0):
        super().__init__()
        self.scale = scale

    def forward(self, q, k, v):
        return torch.softmax(q @ k.transpose(-2, -1) / self.scale, dim=-1) @ v


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int, attention: str = "matmul"):
        super().__init__()
        if attention not in ("matmul", "sdpa"):
            raise ValueError(f"attention {attention!r}: use matmul, sdpa or mha")
        self.heads, self.attention = heads, attention
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, c = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        if self.attention == "sdpa":
            y = F.scaled_dot_product_attention(q, k, v)
        else:
            a = (q @ k.transpose(-2, -1)) * (c // self.heads) ** -0.5
            y = a.softmax(dim=-1) @ v
        return self.proj(y.transpose(1, 2).reshape(b, t, c))


class MHA(nn.Module):
    """nn.MultiheadAttention on (batch, tokens, dim)."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class Block(nn.Module):
    def __init__(self, dim: int, heads: int, mlp_ratio: int, attention: str):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = MHA(dim, heads) if attention == "mha" else Attention(dim, heads, attention)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_ratio * dim), nn.GELU(), nn.Linear(mlp_ratio * dim, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(self, num_classes: int = 10, image: int = 32, patch: int = 4, dim: int = 64, depth: int = 2,
                 heads: int = 4, mlp_ratio: int = 2, attention: str = "matmul"):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, dim, patch, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, (image // patch) ** 2 + 1, dim))
        self.blocks = nn.Sequential(*[Block(dim, heads, mlp_ratio, attention) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)                    # (batch, tokens, dim)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


def vit_tiny(num_classes: int = 10, image: int = 32, patch: int = 4, dim: int = 64, depth: int = 2, heads: int = 4,
             mlp_ratio: int = 2, attention: str = "matmul") -> ViT:
    """A small ViT for image x image inputs: patch embedding (a patch x patch conv), `depth` blocks of
    attention + MLP, a class token and a linear head."""
    return ViT(num_classes, image, patch, dim, depth, heads, mlp_ratio, attention)


def attention_block(scale: float = 8.0) -> AttentionBlock:
    """softmax(q @ k^T / scale) @ v; profile with three inputs, e.g. ``--input 1x4x64x16,1x4x64x16,1x4x64x16``."""
    return AttentionBlock(scale)
