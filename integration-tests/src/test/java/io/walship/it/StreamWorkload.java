package io.walship.it;

import io.walship.primary.capture.CheckpointMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the application does on the primary while followers stream: {@link Ledger} transactions (the invariant the
 * followers' readers check) interleaved with the mixed {@link Workload}, and in every round one of the operations
 * that stress the stream: a transaction of more than 1000 pages (so the primary checkpoints into a new WAL index
 * and the stream sends partial segments), deletes plus VACUUM (the database shrinks), and checkpoints of every kind
 * from the application's connection and, when it runs in this JVM, from walship's capture.
 */
final class StreamWorkload {
    /** Runs a checkpoint through walship's {@code CapturedDatabase.checkpoint}. */
    interface WalshipCheckpoint {
        void run(CheckpointMode mode) throws Exception;
    }

    private interface Op {
        void run() throws Exception;
    }

    private record Named(String name, Op op) {
    }

    private final Connection c;
    private final Ledger ledger;
    private final Workload mixed;
    private final List<Named> specials = new ArrayList<>();

    /** {@code walship} may be null when walship runs in another process. */
    StreamWorkload(Connection c, long seed, int pageSize, WalshipCheckpoint walship) {
        this.c = c;
        this.ledger = new Ledger(c, seed);
        this.mixed = new Workload(c, seed);
        // VACUUM before the big transaction: at 64 KiB pages it would otherwise rewrite 70 MB.
        specials.add(new Named("app PASSIVE checkpoint", () -> appCheckpoint("PASSIVE")));
        if (walship != null) {
            specials.add(new Named("walship RESTART checkpoint", () -> walship.run(CheckpointMode.RESTART)));
        }
        specials.add(new Named("delete half + VACUUM", mixed::deleteHalfAndVacuum));
        specials.add(new Named("app TRUNCATE checkpoint", () -> appCheckpoint("TRUNCATE")));
        specials.add(new Named("big transaction", () -> mixed.bigTransaction(1100L * pageSize)));
        if (walship != null) {
            specials.add(new Named("walship TRUNCATE checkpoint", () -> walship.run(CheckpointMode.TRUNCATE)));
        }
        specials.add(new Named("app RESTART checkpoint", () -> appCheckpoint("RESTART")));
        if (walship != null) {
            specials.add(new Named("walship PASSIVE checkpoint", () -> walship.run(CheckpointMode.PASSIVE)));
        }
    }

    void createSchema() throws SQLException {
        ledger.createSchema();
        mixed.createSchema();
    }

    Ledger ledger() {
        return ledger;
    }

    /** How many rounds run each special operation twice (the second time on a larger, busier database). */
    int rounds() {
        return 2 * specials.size();
    }

    /** Round {@code r}: ledger transactions and mixed steps, then special operation {@code r}; returns its name. */
    String round(int r) throws Exception {
        for (int i = 0; i < 20; i++) {
            ledger.commitNext();
            if (i % 4 == 0) {
                mixed.step();
            }
        }
        Named special = specials.get(r % specials.size());
        special.op().run();
        return special.name();
    }

    /** A checkpoint on the application's own connection; a short busy timeout so walship's reader only makes it give up. */
    private void appCheckpoint(String mode) throws SQLException {
        SqliteFixture.exec(c, "PRAGMA busy_timeout = 100");
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            rs.next();
        } finally {
            SqliteFixture.exec(c, "PRAGMA busy_timeout = 30000");
        }
    }
}
