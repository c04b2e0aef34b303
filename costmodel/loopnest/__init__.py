"""Embedded Timeloop-v1.0-faithful loop-nest model (Eyeriss, DianNao): backend ``analytic``.

spec.py      AcceleratorSpec (arch_specs/<name>.yaml): levels, energies, mapspace constraints, pool model
problem.py   a Layer as Timeloop's grouped CNN problem (dims, data-space projections)
mapping.py   Mapping; parse / print Timeloop's map.txt
nest.py      the vectorised nest analysis (tiles, fills/reads/updates, multicast, throttling, energy)
model.py     evaluate(layer, spec, mapping) -> Cost on a fixed mapping
mapspace.py  Timeloop's constrained mapspace (slots, index factorizations, mapping-ID order, legality)
mapper.py    exact EDP search with bound pruning and Timeloop's incumbent rule
pool.py      our max-pool model (Timeloop v1.0 cannot express pooling)
fidelity.py  comparison with a reference CSV of real Timeloop results (`costmodel fidelity`)
"""
