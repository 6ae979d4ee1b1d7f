"""Gateway storage: SQLAlchemy models, sessions and Alembic migrations.

SQLite by default (embedded, zero set-up); PostgreSQL by URL when more than one gateway process
or machine shares the state (TERANG_DATABASE_URL=postgresql+psycopg://...)."""
