"""The FastAPI application: routers assembled in one place, the chain client owned by the lifespan."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.problems import install_problem_handlers
from app.api.routes import health
from app.chain.client import ChainClient, connect
from app.config import Settings, get_settings


def create_app(settings: Settings | None = None, chain: ChainClient | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.chain = chain or connect(settings)
        yield

    app = FastAPI(
        title="Terang gateway",
        summary="Indonesian public procurement and social assistance on an EVM chain",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    app.include_router(health.router)
    return app
