"""Response shapes every domain shares. Each domain's own request and response models live in its
`schemas.py`; these are the parts common to all of them."""

from __future__ import annotations

from pydantic import BaseModel, Field

HEX32 = r"^0x[0-9a-fA-F]{64}$"
ADDRESS = r"^0x[0-9a-fA-F]{40}$"


class WriteReceipt(BaseModel):
    """What every write answers besides its own outcome: the transaction that did it."""

    transactionHash: str = Field(pattern=HEX32, description="The transaction the write sent")
    blockNumber: int = Field(ge=0, description="The block it was mined in")
