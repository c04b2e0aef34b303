"""The development runs of issue 20 (timeloop-accelergy-exercises @ 2d55108, copied under
tests/data/timeloop/v4-dev): name -> (folder of the run's outputs, output prefix, v4 input files or None,
Jinja2 parse data)."""
from pathlib import Path

DEV = Path(__file__).resolve().parents[3] / "data" / "timeloop" / "v4-dev"
T = "01_accelergy_timeloop_2020_ispass/timeloop"


def _v4(folder, *names):
    return [str(DEV / folder / n) for n in names]


RUNS = {
    "00": ("00-model-conv1d-1level/ref-output", "timeloop-model",
           _v4("00-model-conv1d-1level", "arch/*.yaml", "map/*.yaml", "prob/*.yaml"), None),
    "01-ws": ("01-model-conv1d-2level/ref-output/ws", "timeloop-model",
              _v4("01-model-conv1d-2level", "arch/*.yaml", "map/conv1d-2level-ws.map.yaml", "prob/*.yaml"), None),
    "01-os": ("01-model-conv1d-2level/ref-output/os", "timeloop-model",
              _v4("01-model-conv1d-2level", "arch/*.yaml", "map/conv1d-2level-os.map.yaml", "prob/*.yaml"), None),
    "02-no-tiling": ("02-model-conv1d+oc-2level/ref-output/no-tiling", "timeloop-model",
                     _v4("02-model-conv1d+oc-2level", "arch/*.yaml", "map/conv1d+oc-2level-os.map.yaml",
                         "prob/*.yaml"), None),
    "02-tiling": ("02-model-conv1d+oc-2level/ref-output/tiling", "timeloop-model",
                  _v4("02-model-conv1d+oc-2level", "arch/*.yaml", "map/conv1d+oc-2level-os-tiled.map.yaml",
                      "prob/*.yaml"), None),
    # 04: the shipped arch at 2d55108 puts the PE fan-out below GlobalBuffer; its reference outputs were made
    # before that change (800c916), with the fan-out above it: only the run's own parsed input matches them.
    "04-cp": ("04-model-conv1d+oc-3levelspatial/ref-output/cp", "timeloop-model", None, None),
    "04-kp": ("04-model-conv1d+oc-3levelspatial/ref-output/kp", "timeloop-model", None, None),
    "06": ("06-mapper-convlayer-eyeriss/ref-output", "timeloop-mapper",
           _v4("06-mapper-convlayer-eyeriss", "arch/*.yaml", "arch/components/*.yaml", "prob/*.yaml",
               "mapper/*.yaml"), None),
    "intmac": ("timeloop+accelergy/ref-output/intmac", "timeloop-mapper",
               _v4("timeloop+accelergy", "arch/arch.yaml", "arch/components/*.yaml", "prob/*.yaml", "mapper/*.yaml"),
               {"mac_class": "intmac", "input_weight_datawidth": 8, "psum_datawidth": 16}),
    "fpmac": ("timeloop+accelergy/ref-output/fpmac", "timeloop-mapper",
              _v4("timeloop+accelergy", "arch/arch.yaml", "arch/components/*.yaml", "prob/*.yaml", "mapper/*.yaml"),
              {"mac_class": "fpmac", "input_weight_datawidth": 32, "psum_datawidth": 32}),
}
MAPPER_RUNS = ("06", "intmac", "fpmac")


def out(name: str, suffix: str) -> str:
    folder, prefix, _, _ = RUNS[name]
    return str(DEV / folder / f"{prefix}.{suffix}")


def native(name: str) -> list:
    """The run's own v3-native input (+ the mapper's map for a mapper run)."""
    folder, prefix, _, _ = RUNS[name]
    files = [str(DEV / folder / "parsed-processed-input.yaml")]
    if prefix == "timeloop-mapper":
        files.append(out(name, "map.yaml"))
    return files
