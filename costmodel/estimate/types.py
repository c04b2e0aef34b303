"""What an estimator returns: per-action energies [pJ], area [mm^2] and where the numbers come from."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionEnergies:
    """Energy of one action [pJ]: read / write / update of one access (of the whole access width: a block of
    words for a storage level, one MACC for a MAC), and leak per cycle [pJ/cycle]."""

    read: float
    write: float
    update: float
    leak: float = 0.0

    def as_dict(self) -> dict:
        return {"read": self.read, "write": self.write, "update": self.update, "leak": self.leak}

    def scaled(self, k: float) -> "ActionEnergies":
        return ActionEnergies(self.read * k, self.write * k, self.update * k, self.leak * k)


@dataclass(frozen=True)
class Estimate:
    """One component instance: its per-action energies, its area [mm^2] and the source of each."""

    energy: ActionEnergies
    area_mm2: float
    source: str            # e.g. "CACTI 7 table (cacti_sram.csv), 65nm, 64b x 16384, 1 bank"
    area_source: str = ""  # "" = the same as `source`

    def as_dict(self) -> dict:
        return {"energy_pj": self.energy.as_dict(), "area_mm2": self.area_mm2, "source": self.source,
                "area_source": self.area_source or self.source}


ZERO = ActionEnergies(0.0, 0.0, 0.0, 0.0)
