package io.walship.primary.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.protocol.Pos;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the relay keeps of the primary's WAL: indexes from offset 0 only, within a budget, and what readers hold. */
class RelayStoreTest {
    private static final String GEN = "0123456789abcdef";
    private static final String NEXT = "fedcba9876543210";

    @TempDir
    Path dir;

    @Test
    void keepsIndexesFromTheirStartWithinTheBudgetAndWhatReadersHold() throws Exception {
        RelayStore store = new RelayStore(dir, 250);
        store.open(null);
        for (long idx = 0; idx < 5; idx++) {
            store.write(at(GEN, idx, 0), new byte[100]);
            store.write(at(GEN, idx, 100), new byte[50]);
        }
        assertThat(store.length(GEN, 4)).isEqualTo(150);
        assertThat(store.read(GEN, 4, 100, 50)).hasSize(50);

        Object reader = new Object();
        store.hold(reader, GEN, 1);
        store.retain(at(GEN, 4, 150));
        assertThat(store.length(GEN, 0)).as("beyond the budget, not held").isEqualTo(-1);
        assertThat(store.length(GEN, 1)).as("held by a reader").isEqualTo(150);
        store.release(reader);
        store.retain(at(GEN, 4, 150));
        assertThat(store.length(GEN, 1)).isEqualTo(-1);
        assertThat(store.length(GEN, 2)).as("beyond the budget").isEqualTo(-1);
        assertThat(store.length(GEN, 3)).as("the newest finished index, within the budget").isEqualTo(150);

        store.write(at(GEN, 6, 32), new byte[10]);
        assertThat(store.length(GEN, 6)).as("an index that starts inside is not kept").isEqualTo(-1);

        store.write(at(NEXT, 2, 0), new byte[70]);
        store.retain(at(NEXT, 2, 70));
        assertThat(store.length(GEN, 4)).as("the old generation goes once the new one is visible").isEqualTo(-1);
        assertThat(store.length(NEXT, 2)).isEqualTo(70);
    }

    @Test
    void reopeningCutsWhatWasStoredButNotAppliedAndDropsWhatFallsShort() throws Exception {
        RelayStore store = new RelayStore(dir, 1 << 20);
        store.open(null);
        store.write(at(GEN, 0, 0), new byte[100]);
        store.write(at(GEN, 1, 0), new byte[100]);
        store.write(at(GEN, 2, 0), new byte[10]);

        new RelayStore(dir, 1 << 20).open(at(GEN, 1, 60));
        assertThat(store.length(GEN, 0)).isEqualTo(100);
        assertThat(store.length(GEN, 1)).as("cut at the visible position").isEqualTo(60);
        assertThat(store.length(GEN, 2)).as("not applied").isEqualTo(-1);

        new RelayStore(dir, 1 << 20).open(at(GEN, 1, 80));
        assertThat(store.length(GEN, 1)).as("shorter than the visible position: cannot be served").isEqualTo(-1);

        new RelayStore(dir, 1 << 20).open(at(NEXT, 0, 32));
        assertThat(store.length(GEN, 0)).isEqualTo(-1);
    }

    private static Pos at(String gen, long idx, long offset) {
        return new Pos(gen, idx, offset);
    }
}
