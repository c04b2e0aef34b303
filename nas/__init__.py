"""Differentiable hardware costs for DARTS-style searches (needs torch; install the `[nas]` extra).

Modules: `nas.space` (search space, edge shapes), `nas.cost` (`DartsCost`), `nas.losses`
(MDARTS, DEff-ARTS, RAPDARTS, NNI-style penalty, MONAS rewards), `nas.pareto`, `nas.search`
(reference first-order DARTS search), `nas.zoo` (ResNet-18, MobileNetV2 and the DARTS eval
network, for `costmodel profile`). Import them by module; this package imports nothing eagerly.
"""
