from alembic import context

from assessment.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table by copying it; with foreign keys enforced, dropping the old
        # table would fail or cascade. Switch them off for the migration (outside any
        # transaction, where SQLite honours it), then check that every reference still holds.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=sqlite,  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.commit()
        connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
        if broken:
            raise RuntimeError(f"the migration left broken references: {broken[:5]}")
