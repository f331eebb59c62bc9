"""The triggers that keep each studio's tally of clients (ClientTally) as clients change.

Every insert, change of status or studio, and delete of a client adds to or takes from the tally
of her studio, so no way of adding or moving a client (a service, a bulk insert, an update, the
admin, a restore) can leave it wrong. After a time without them (practice/triggers.py) the tally
is counted again from the clients themselves.
"""

from practice.triggers import Triggers

# SQLite compares to 1 or 0, so a status test adds or takes away one client or none.
_ADD_SQLITE = """
  INSERT OR IGNORE INTO clients_clienttally (studio_id, active, archived)
  VALUES (NEW.studio_id, 0, 0);
  UPDATE clients_clienttally
  SET active = active + (NEW.status = 'active'), archived = archived + (NEW.status = 'archived')
  WHERE studio_id = NEW.studio_id;"""
_TAKE_SQLITE = """
  UPDATE clients_clienttally
  SET active = active - (OLD.status = 'active'), archived = archived - (OLD.status = 'archived')
  WHERE studio_id = OLD.studio_id;"""
_COUNT_AGAIN = [
    "DELETE FROM clients_clienttally",
    """INSERT INTO clients_clienttally (studio_id, active, archived)
    SELECT studio_id,
           SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END),
           SUM(CASE WHEN status = 'archived' THEN 1 ELSE 0 END)
    FROM clients_client GROUP BY studio_id""",
]

TALLY_TRIGGERS = Triggers(
    name="client tally",
    tables=("clients_client", "clients_clienttally"),
    create={
        "sqlite": [
            f"""CREATE TRIGGER IF NOT EXISTS clients_client_added AFTER INSERT ON clients_client
            BEGIN {_ADD_SQLITE} END""",
            f"""CREATE TRIGGER IF NOT EXISTS clients_client_changed
            AFTER UPDATE OF status, studio_id ON clients_client
            WHEN OLD.status IS NOT NEW.status OR OLD.studio_id IS NOT NEW.studio_id
            BEGIN {_TAKE_SQLITE} {_ADD_SQLITE} END""",
            f"""CREATE TRIGGER IF NOT EXISTS clients_client_removed AFTER DELETE ON clients_client
            BEGIN {_TAKE_SQLITE} END""",
        ],
        "postgresql": [
            """CREATE OR REPLACE FUNCTION clients_tally_client() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP <> 'INSERT' THEN
                UPDATE clients_clienttally
                SET active = active - (OLD.status = 'active')::int,
                    archived = archived - (OLD.status = 'archived')::int
                WHERE studio_id = OLD.studio_id;
              END IF;
              IF TG_OP <> 'DELETE' THEN
                INSERT INTO clients_clienttally AS tally (studio_id, active, archived)
                VALUES (NEW.studio_id, (NEW.status = 'active')::int,
                        (NEW.status = 'archived')::int)
                ON CONFLICT (studio_id) DO UPDATE
                SET active = tally.active + EXCLUDED.active,
                    archived = tally.archived + EXCLUDED.archived;
              END IF;
              RETURN NULL;
            END $$""",
            "DROP TRIGGER IF EXISTS clients_client_added_or_removed ON clients_client",
            """CREATE TRIGGER clients_client_added_or_removed
            AFTER INSERT OR DELETE ON clients_client
            FOR EACH ROW EXECUTE FUNCTION clients_tally_client()""",
            "DROP TRIGGER IF EXISTS clients_client_changed ON clients_client",
            """CREATE TRIGGER clients_client_changed
            AFTER UPDATE OF status, studio_id ON clients_client FOR EACH ROW
            WHEN (OLD.status IS DISTINCT FROM NEW.status
                  OR OLD.studio_id IS DISTINCT FROM NEW.studio_id)
            EXECUTE FUNCTION clients_tally_client()""",
        ],
    },
    drop={
        "sqlite": [
            "DROP TRIGGER IF EXISTS clients_client_added",
            "DROP TRIGGER IF EXISTS clients_client_changed",
            "DROP TRIGGER IF EXISTS clients_client_removed",
        ],
        "postgresql": [
            "DROP TRIGGER IF EXISTS clients_client_added_or_removed ON clients_client",
            "DROP TRIGGER IF EXISTS clients_client_changed ON clients_client",
            "DROP FUNCTION IF EXISTS clients_tally_client()",
        ],
    },
    refresh={"sqlite": _COUNT_AGAIN, "postgresql": _COUNT_AGAIN},
)
