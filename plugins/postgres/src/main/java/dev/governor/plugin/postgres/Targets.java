package dev.governor.plugin.postgres;

import java.util.ArrayList;
import java.util.List;

/** Parses the targets of the postgres actions; a malformed target throws with what was expected. */
final class Targets {

    private Targets() {
    }

    /**
     * {@code DATABASE/SCHEMA.TABLE} of {@code pg.vacuum} and {@code pg.analyze}: DATABASE runs to the first
     * {@code /}; the rest is the schema and the table as the catalogs spell them, unquoted, joined by a dot.
     * Both may contain dots themselves, so every dot is a possible split: {@link #splits()} lists them, and
     * the database decides which one names a table.
     *
     * @param database the database's name in {@code governor.yaml}
     * @param name     {@code SCHEMA.TABLE}, as written
     */
    record Table(String database, String name) {

        static Table parse(String target) {
            int slash = target.indexOf('/');
            if (slash <= 0 || slash == target.length() - 1) {
                throw new IllegalArgumentException("target '" + target + "' is not DATABASE/SCHEMA.TABLE, e.g. main/public.orders");
            }
            Table table = new Table(target.substring(0, slash), target.substring(slash + 1));
            if (table.splits().isEmpty()) {
                throw new IllegalArgumentException("target '" + target + "' names no schema: write DATABASE/SCHEMA.TABLE, e.g. "
                        + table.database() + "/public." + table.name());
            }
            return table;
        }

        /** Every (schema, table) pair the name can mean, splitting at each dot with text on both sides. */
        List<String[]> splits() {
            List<String[]> splits = new ArrayList<>();
            for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
                if (dot > 0 && dot < name.length() - 1) {
                    splits.add(new String[] {name.substring(0, dot), name.substring(dot + 1)});
                }
            }
            return splits;
        }
    }

    /**
     * {@code DATABASE/PID} of {@code pg.cancel} and {@code pg.terminate}.
     *
     * @param database the database's name in {@code governor.yaml}: which server, and how to connect to it
     * @param pid      the session's process ID
     */
    record Session(String database, int pid) {

        static Session parse(String target) {
            int slash = target.indexOf('/');
            if (slash <= 0 || slash == target.length() - 1) {
                throw new IllegalArgumentException("target '" + target + "' is not DATABASE/PID, e.g. main/4242");
            }
            String pid = target.substring(slash + 1);
            if (!pid.matches("[0-9]{1,10}")) {
                throw new IllegalArgumentException("target '" + target + "': '" + pid + "' is not a process ID; write DATABASE/PID, e.g. main/4242");
            }
            long value = Long.parseLong(pid);
            if (value < 1 || value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("target '" + target + "': process ID " + pid + " is out of range");
            }
            return new Session(target.substring(0, slash), (int) value);
        }
    }
}
