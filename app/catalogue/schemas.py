"""Request and response models of the e-Katalog endpoints (app/catalogue/routes.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas import WriteReceipt
from app.protocol import vocabulary

BYTES32 = r"^0x[0-9a-fA-F]{64}$"
CODE = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
MAX_PRODUCTS = 5_000  # one request; a larger catalogue is imported in several snapshots' time

CATEGORY = vocabulary.enum("ITenders.Category")
CategoryWord = Literal[tuple(CATEGORY.words[:])]  # goods, construction, consultancy, other_services

# Requests


# The stored listing's columns are 64-bit signed (app/catalogue/models.py): a larger value would be
# refused by the database only after the root is published on chain, leaving the catalogue in force
# without the products its orders are proven from.
DB_INT = 2**63
# No control characters (NUL is refused by PostgreSQL's text columns, again after publication).
NAME = r"^[^\x00-\x1f\x7f]+$"


class ProductListing(BaseModel):
    code: str = Field(pattern=CODE, description="LKPP's product code; its keccak-256 is the on-chain id")
    supplierId: int = Field(ge=1, lt=DB_INT, description="The provider's id in the SupplierRegistry")
    unitPrice: int = Field(ge=1, lt=DB_INT, description="Catalogue price per unit (integer rupiah)")
    tkdnBps: int = Field(ge=0, le=10_000, description="The product's TKDN in basis points")
    category: CategoryWord = "goods"
    name: str = Field(min_length=1, max_length=200, pattern=NAME)


class CatalogueSnapshotIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "products": [
                        {
                            "code": "EK-LAPTOP-14",
                            "supplierId": 1,
                            "unitPrice": 20_000_000,
                            "tkdnBps": 4500,
                            "category": "goods",
                            "name": "Laptop 14 inci",
                        }
                    ]
                }
            ]
        }
    )

    products: list[ProductListing] = Field(min_length=1, max_length=MAX_PRODUCTS)


class OrderIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ocid": "ocds-terang-1001-ep-0001",
                    "agencyId": 1001,
                    "productCode": "EK-LAPTOP-14",
                    "unitPrice": 20_000_000,
                    "quantity": 50,
                    "documentHash": "0x5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e",
                    "rupCode": "52009001",
                }
            ]
        }
    )

    ocid: str = Field(min_length=1, max_length=200)
    agencyId: int = Field(ge=1, lt=2**32)
    productCode: str = Field(pattern=CODE)
    unitPrice: int = Field(
        ge=1, lt=2**96, description="The price the officer expects: must equal the catalogue's (else 409)"
    )
    quantity: int = Field(ge=1, lt=2**32)
    documentHash: str = Field(pattern=BYTES32, description="keccak-256 of the order document (surat pesanan)")
    rupCode: str = Field(
        pattern=r"^[0-9A-Za-z.\-]{1,32}$",
        description="The agency's RUP package planned for E-Purchasing (kd_rup) the order spends: its orders "
        "together stay within its pagu (app/plans/checks.py)",
    )


# Responses


class CataloguePublished(WriteReceipt):
    catalogueId: int
    root: str
    products: int
    metadataHash: str


class CatalogueProductOut(BaseModel):
    catalogueId: int
    code: str
    productId: str
    supplierId: int
    unitPrice: int
    tkdnBps: int
    category: CategoryWord
    name: str


class CatalogueProductPage(BaseModel):
    catalogueId: int | None = Field(description="The catalogue in force (None before the first)")
    total: int
    offset: int
    limit: int
    items: list[CatalogueProductOut]


class OrderPlaced(WriteReceipt):
    ocid: str
    tenderId: str
    catalogueId: int
    productCode: str
    supplierId: int
    unitPrice: int
    quantity: int
    value: int
    tkdnBps: int
