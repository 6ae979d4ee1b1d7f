"""Dependencies shared by the routers, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.chain.client import ChainClient


def get_chain(request: Request) -> ChainClient:
    return request.app.state.chain


ChainDep = Annotated[ChainClient, Depends(get_chain)]
