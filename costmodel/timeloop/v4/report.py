"""What `costmodel model` / `costmodel mapper` print and write: a summary, one JSON object, and a stats text
a Timeloop user can read beside ``timeloop-*.stats.txt`` (same level blocks and key names, the same
summary lines -- ``Cycles:``, ``Energy: X uJ``, ``Computes =``, ``fJ/Compute`` -- so
costmodel.timeloop.stats reads it back)."""
from __future__ import annotations

from ...loopnest.spec import DATASPACES


def levels(spec, stats: dict, cycles: int) -> list:
    """Per storage level (inner -> outer, as Timeloop numbers them): name, per data space counts and energy,
    leakage [pJ] and total [pJ]."""
    out = []
    for lv in reversed(spec.levels):
        if not lv.keep:
            continue
        spaces, inst = {}, 1
        for ds in DATASPACES:
            st = stats.get((lv.name, ds))
            if st is None or ds not in lv.keep:
                continue
            inst = max(inst, st["instances"])
            spaces[ds] = {"reads": st["reads"], "fills": st["fills"], "updates": st["updates"], "size": st["size"],
                          "partition": st["partition"], "instances": st["instances"], "energy_pj": st["energy_pj"]}
        leak = lv.actions.get("leak", 0.0) * cycles * inst if spec.semantics == "timeloop-v3" else 0.0
        out.append({"name": lv.name, "dataspaces": spaces, "leak_pj": leak,
                    "energy_pj": sum(s["energy_pj"] for s in spaces.values()) + leak})
    return out


def as_json(run, cost, lvls, energy_source: str, wall_s: float | None = None) -> dict:
    d = {"arch": run.spec.name, "semantics": run.spec.semantics, "cycles": cost.cycles,
         "compute_cycles": cost.compute_cycles, "energy_pj": cost.energy_pj, "computes": cost.macs,
         "utilization": cost.utilization, "energy_source": energy_source, "mapping": cost.mapping,
         "mac_energy_pj": cost.macs * run.spec.mac.energy_pj,
         "levels": {lv["name"]: {**lv["dataspaces"], "leak_pj": lv["leak_pj"], "energy_pj": lv["energy_pj"]}
                    for lv in lvls}}
    if wall_s is not None:
        d["wall_s"] = wall_s
    return d


def summary(run, cost, lvls, energy_source: str) -> str:
    lines = [f"arch {run.spec.name} (semantics {run.spec.semantics}), {cost.macs} computes",
             f"energy: {energy_source}",
             f"Cycles: {cost.cycles} (compute cycles {cost.compute_cycles})",
             f"Energy: {cost.energy_pj / 1e6:.6f} uJ ({cost.energy_pj:.4f} pJ)",
             f"Utilization: {100 * (cost.utilization or 0):.2f}%",
             f"{'level':<24} {'data space':<8} {'reads':>14} {'fills':>14} {'updates':>14} {'energy pJ':>18}"]
    for lv in lvls:
        for ds, s in lv["dataspaces"].items():
            lines.append(f"{lv['name']:<24} {ds:<8} {s['reads']:>14} {s['fills']:>14} {s['updates']:>14} "
                         f"{s['energy_pj']:>18.4f}")
        if lv["leak_pj"]:
            lines.append(f"{lv['name']:<24} {'leak':<8} {'':>14} {'':>14} {'':>14} {lv['leak_pj']:>18.4f}")
    lines.append(f"{run.spec.mac.name:<24} {'compute':<8} {cost.macs:>14} {'':>14} {'':>14} "
                 f"{cost.macs * run.spec.mac.energy_pj:>18.4f}")
    lines.append("(counts per instance, as Timeloop prints them; energies of all instances)")
    lines.append("mapping:")
    lines += ["  " + ln for ln in cost.mapping.split(" | ")]
    return "\n".join(lines)


def stats_text(run, cost, lvls, energy_source: str) -> str:
    m = run.spec.mac
    out = ["Buffer and Arithmetic Levels", "----------------------------", "Level 0", "-------", f"=== {m.name} ===",
           "", "    SPECS", "    -----", f"    Word bits             : {m.word_bits}",
           f"    Instances             : {m.instances} ({m.mesh_x}*{m.instances // m.mesh_x})",
           f"    Compute energy        : {m.energy_pj:.2f} pJ", "", "    STATS", "    -----",
           f"    Computes (total)        : {cost.macs}", f"    Cycles                  : {cost.compute_cycles}",
           f"    Energy (total)          : {cost.macs * m.energy_pj:.2f} pJ", ""]
    for k, lv in enumerate(lvls, start=1):
        spec_lv = run.spec.level(lv["name"])
        out += [f"Level {k}", "-------", f"=== {lv['name']} ===", "", "    SPECS", "    -----",
                f"        Technology                      : {spec_lv.technology}",
                f"        Size                            : {spec_lv.entries if spec_lv.entries is not None else '-'}",
                f"        Word bits                       : {spec_lv.word_bits}",
                f"        Block size                      : {spec_lv.block_size}",
                f"        Instances                       : {spec_lv.instances}",
                f"        Leakage energy (total)          : {lv['leak_pj']:.2f} pJ", "", "    STATS", "    -----",
                f"    Cycles               : {cost.cycles}"]
        for ds, s in lv["dataspaces"].items():
            out += [f"    {ds}:", f"        Partition size                           : {s['partition']}",
                    f"        Utilized capacity                        : {s['size']}",
                    f"        Utilized instances (max)                 : {s['instances']}",
                    f"        Scalar reads (per-instance)              : {s['reads']}",
                    f"        Scalar fills (per-instance)              : {s['fills']}",
                    f"        Scalar updates (per-instance)            : {s['updates']}",
                    f"        Energy (total)                           : {s['energy_pj']:.2f} pJ"]
        out.append("")
    per = [(m.name, cost.macs * m.energy_pj)] + [(lv["name"], lv["energy_pj"]) for lv in lvls]
    out += ["Networks", "--------", "", "Summary Stats", "-------------", f"Utilization: {100 * (cost.utilization or 0):.2f}%",
            f"Cycles: {cost.cycles}", f"Energy: {cost.energy_pj / 1e6:.2f} uJ", "", f"Computes = {cost.macs}",
            "fJ/Compute"]
    out += [f"    {n:<45} = {1000 * e / cost.macs:.6f}" for n, e in per]
    out += [f"    {'Total':<45} = {1000 * cost.energy_pj / cost.macs:.6f}", "",
            f"# written by costmodel ({energy_source}); mapping:"]
    out += ["# " + ln for ln in cost.mapping.split(" | ")]
    return "\n".join(out) + "\n"
