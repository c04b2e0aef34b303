"""`costmodel archs`: list the targets (shipped and user archs); ``--add FILE [--name N]`` registers a user arch,
``--remove NAME`` unregisters one (`costmodel.registry`); ``--show ARCH [--set PATH=V ...] [--json]`` prints a
spec's levels with their per-action energies and areas (`costmodel.estimate.levels`), a variant's too."""
from __future__ import annotations

from ..errors import CostModelError

ADD_HELP = ("register FILE as a user arch: an arch spec .yaml or a Timeloop v1.0 config (.cfg, or .yaml with an "
            "architecture/arch key). It is loaded in full first (a bad file writes nothing), then COPIED into the "
            "user config folder ($COSTMODEL_CONFIG_DIR, else $XDG_CONFIG_HOME/costmodel, else ~/.config/costmodel): "
            "later edits of FILE change no cost; --add it again with --force to take them")


def register(sub) -> None:
    from ..cli import add_command
    p = add_command(sub, "archs", help="list the targets (shipped and your own); --add/--remove your own; "
                                       "--show one's energies and areas",
                    examples=["costmodel archs --add eyeriss-1024.cfg --name my-chip",
                              "costmodel archs --remove my-chip",
                              "costmodel archs --show eyeriss --set levels.GlobalBuffer.entries=16384 --json"])
    p.add_argument("--add", metavar="FILE", help=ADD_HELP)
    p.add_argument("--name", help="the name to register FILE under (default: FILE's stem, e.g. my-chip for "
                                   "my-chip.cfg); then `--arch NAME` works in every command")
    p.add_argument("--force", action="store_true", help="with --add: replace a registered arch of that name, or "
                                                        "shadow a shipped arch")
    p.add_argument("--remove", metavar="NAME", help="unregister the user arch NAME (its copy is deleted)")
    p.add_argument("--show", metavar="ARCH", help="print ARCH's levels (and the MAC) with their per-action energies "
                                                  "[pJ] and areas [mm^2], each with its source")
    p.add_argument("--set", action="append", metavar="PATH=V", help="with --show: one value of a sweep path "
                   "(levels.GlobalBuffer.entries=16384): show that variant, its energies re-derived as a sweep does")
    p.add_argument("--keep-energies", action="store_true", help="with --show --set: keep the base spec's energies")
    p.add_argument("--json", action="store_true", help="with --show: print JSON {name, area_mm2, levels: [...]}")
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import registry
    if sum(bool(x) for x in (args.add, args.remove, args.show)) > 1:
        raise CostModelError("give one of --add FILE, --remove NAME, --show ARCH, not both")
    if (args.set or args.json or args.keep_energies) and not args.show:
        raise CostModelError("--set, --json and --keep-energies go with --show ARCH")
    if args.show:
        from .archshow import show
        return show(args.show, args.set or [], args.json, args.keep_energies)
    if (args.name or args.force) and not args.add:
        raise CostModelError(f"{'--name' if args.name else '--force'} goes with --add FILE")
    if args.add:
        u, spec = registry.add(args.add, args.name, args.force)
        from ..arch import spec_hash
        print(f"registered {u.name}: a copy of {u.source} in {u.file}")
        print(f"  {describe(spec)}; spec hash {spec_hash(spec)}")
        print(f"  use --arch {u.name} in any command; edits of {u.source} change nothing until you "
              f"`costmodel archs --add` it again with --force")
        return 0
    if args.remove:
        u = registry.remove(args.remove)
        print(f"removed user arch {u.name} (registered from {u.source}); its LUT rows stay in the LUT")
        return 0
    return listing()


def describe(spec) -> str:
    """One line: kind, levels and MACs of an accelerator, default backend."""
    if getattr(spec, "kind", None) == "accelerator":
        return (f"accelerator: {len(spec.levels)} storage levels ({', '.join(lv.name for lv in spec.levels)}), "
                f"{spec.mac.instances} MACs; backend {spec.default_backend}")
    return f"{getattr(spec, 'kind', 'dsp')}; backend {spec.default_backend}"


def listing() -> int:
    from ..arch import arch_dir, load_arch, shipped_archs
    from ..registry import user_arch_dir, user_archs
    shipped, user = shipped_archs(), user_archs()
    if not shipped and not user:
        raise CostModelError(f"no arch specs in {arch_dir()} (is $COSTMODEL_ARCH_SPECS right?) and no user archs")
    for name in shipped:
        if name in user:
            print(f"{name:<10} (shadowed by the user arch {name} below)")
            continue
        spec = load_arch(name)
        presets = ", ".join(getattr(spec, "presets", {}) or {}) or "none"
        print(f"{name:<10} {getattr(spec, 'description', '') or '(no description)'}")
        print(f"{'':<10} backend {spec.default_backend}; fitted presets (name:PRESET): {presets}")
    print(f"spec files: {arch_dir()}")
    if not user:
        print(f"user archs: none (`costmodel archs --add FILE` registers one in {user_arch_dir()})")
        return 0
    print(f"user archs (`costmodel archs --add`; copies in {user_arch_dir()}):")
    for name, u in user.items():
        try:
            what = describe(load_arch(name))
        except CostModelError as e:
            what = f"does not load: {e}"
        print(f"{name:<10} user arch, from {u.source} (registered {u.registered})")
        print(f"{'':<10} {what}")
    return 0
