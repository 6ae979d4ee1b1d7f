from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

# Every domain's tables share Base: import them so the metadata is complete.
import app.archives.models  # noqa: F401
import app.catalogue.models  # noqa: F401
import app.documents.models  # noqa: F401
import app.explorer.models  # noqa: F401
import app.indexer.models  # noqa: F401
import app.ledger.models  # noqa: F401
import app.ocds.models  # noqa: F401
import app.onboarding.models  # noqa: F401
import app.payments.models  # noqa: F401
import app.plans.models  # noqa: F401
import app.portal.models  # noqa: F401
import app.sikap.models  # noqa: F401
import app.suppliers.models  # noqa: F401
import app.tenders.models  # noqa: F401
import app.welfare.contacts  # noqa: F401
import app.welfare.entries  # noqa: F401
import app.welfare.grievances  # noqa: F401
import app.welfare.households  # noqa: F401
import app.welfare.name_checks  # noqa: F401
import app.welfare.notices  # noqa: F401
from app.db.models import Base

config = context.config
target_metadata = Base.metadata
if not config.get_main_option("sqlalchemy.url"):  # `alembic` with the repository's alembic.ini
    from app.config import get_settings

    config.set_main_option("sqlalchemy.url", get_settings().database_url.replace("%", "%%"))


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
