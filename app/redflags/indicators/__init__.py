"""The indicators this engine knows, in the order they run (Cardinal's, then Terang's)."""

from __future__ import annotations

from app.redflags.indicators.base import Indicator
from app.redflags.indicators.bid_rotation import BidRotation
from app.redflags.indicators.contract_splitting import ContractSplitting
from app.redflags.indicators.hps_proximity import HpsProximity
from app.redflags.indicators.r003 import R003
from app.redflags.indicators.r018 import R018
from app.redflags.indicators.r024 import R024
from app.redflags.indicators.r025 import R025
from app.redflags.indicators.r028 import R028
from app.redflags.indicators.r030 import R030
from app.redflags.indicators.r035 import R035
from app.redflags.indicators.r036 import R036
from app.redflags.indicators.r038 import R038
from app.redflags.indicators.r048 import R048
from app.redflags.indicators.r058 import R058
from app.redflags.indicators.repeated_winner import RepeatedWinner
from app.redflags.indicators.withheld_bids import LowerBidWithheld, RepeatedUnopenedBids

CARDINAL: tuple[type[Indicator], ...] = (R003, R018, R024, R025, R028, R030, R035, R036, R038, R048, R058)
# Terang's own, coded T (Cardinal's R codes follow the Open Contracting red-flag catalogue).
TERANG: tuple[type[Indicator], ...] = (
    HpsProximity,
    RepeatedWinner,
    BidRotation,
    ContractSplitting,
    LowerBidWithheld,
    RepeatedUnopenedBids,
)
ALL: tuple[type[Indicator], ...] = CARDINAL + TERANG
SCHEMAS = {indicator.code: indicator.options for indicator in ALL}
