"""Embedded Timeloop-v1.0-faithful loop-nest model (Eyeriss, DianNao, any Timeloop-style spec): backend ``analytic``.

(a problem shape as data -- Timeloop's problem-shape YAML, packaged in costmodel/data/shapes -- is
costmodel/shape.py, a foundation module beside workload.py)
problem.py    a Problem: shape + instance; the grouped CNN layer of a Layer (Problem(N=.., ...), from_layer)
spec.py       AcceleratorSpec (arch_specs/<name>.yaml): levels, energies, mapspace constraints, pool model
bind.py       a spec restricted to a problem's shape (constraint dims and keep lists it lacks dropped)
mapping.py    Mapping; parse / print Timeloop's map.txt
nest.py       the vectorised nest analysis (tiles, fills/reads/updates, multicast, throttling, energy)
model.py      evaluate(layer, spec, mapping) -> Cost on a fixed mapping
slots.py      the mapspace's slots and index factorizations (Timeloop's constraint resolution)
mapspace.py   the legal mappings in mapping-ID order (fan-out and capacity pruned)
choices.py    splits / keep-bypass a spec leaves to the mapper, expanded; permute.py: open loop orders
bounds.py     lower bounds for the mapper's pruning; selection.py: results and Timeloop's incumbent rule
mapper.py     exact EDP search with bound pruning (candidates(): the enumeration a sampler can replace)
pool.py       our max-pool model (Timeloop v1.0 cannot express pooling)
fidelity.py   comparison with a reference CSV of real Timeloop results (`costmodel fidelity`)

Data flows one way: shape -> problem -> (spec bound to the shape) -> slots -> mapspace -> mapper/model -> Cost.
"""
