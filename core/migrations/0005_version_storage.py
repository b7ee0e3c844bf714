"""The versions table is the site's busiest: every write bumps a row of it, and every GET
reads it. On PostgreSQL its pages keep half their room free (fillfactor 50) so that a bump
is a HOT update (no new index entry), and autovacuum visits it after every 500 dead rows
rather than after a fifth of the table: a bloated table made the one query every cached
page costs 20 times slower (2 ms, against 0.06 once vacuumed)."""

from django.db import migrations

TUNED = (
    "ALTER TABLE core_version SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, "
    "autovacuum_vacuum_threshold = 500, autovacuum_analyze_scale_factor = 0, "
    "autovacuum_analyze_threshold = 500)"
)
DEFAULT = (
    "ALTER TABLE core_version RESET (fillfactor, autovacuum_vacuum_scale_factor, "
    "autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor, "
    "autovacuum_analyze_threshold)"
)


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0004_version")]

    operations = [migrations.RunPython(_on_postgresql(TUNED), _on_postgresql(DEFAULT))]
