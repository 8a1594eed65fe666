"""The upstream's database: tables, engine, migrations and keyword-only crud."""
