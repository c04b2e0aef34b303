"""Reference models written in the project (no downloads), for `costmodel profile` / `costmodel.profiler`.

    resnet18(num_classes=1000)                  ResNet-18 (He et al. 2016, torchvision's layout)
    mobilenet_v2(num_classes=1000, width=1.0)   MobileNetV2 (Sandler et al. 2018, torchvision's layout)
    darts_network(genotype, C=36, layers=20)    the DARTS CIFAR eval network (NetworkCIFAR) of a genotype
    vit_tiny(num_classes=10, image=32, ...)     a small Vision Transformer (patch embedding, attention, MLP)
    attention_block(scale=8.0)                  softmax(q @ k^T / scale) @ v on three inputs q, k, v

`costmodel profile` takes them as ``nas.zoo:resnet18`` etc.
"""
from .darts import darts_network
from .vision import mobilenet_v2, resnet18
from .vit import attention_block, vit_tiny

__all__ = ["attention_block", "darts_network", "mobilenet_v2", "resnet18", "vit_tiny"]
