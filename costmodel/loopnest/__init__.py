"""Embedded Timeloop-v1.0-faithful loop-nest model (Eyeriss, DianNao): spec, mapping, model, mapper."""
