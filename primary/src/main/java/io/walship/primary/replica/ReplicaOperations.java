package io.walship.primary.replica;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests to object stores, by replica type and operation, for Litestream's {@code litestream_replica_operation_*}
 * series. Process-wide, as in Litestream: every client of a type adds to the same counts. Counted as Litestream
 * v0.3.13 counts them: a successful LIST per listing page, PUT per object (bytes as stored), GET per object opened
 * (its length), DELETE per delete request; and, walship's own, every failed request.
 */
public final class ReplicaOperations {
    /** Operation labels, as Litestream spells them. */
    public enum Operation { GET, PUT, LIST, DELETE }

    /** One (replica type, operation) pair's counts so far; a row exists once the pair was first touched. */
    public record Row(String replicaType, Operation operation, long count, long bytes, long errors) {
    }

    private static final ReplicaOperations GLOBAL = new ReplicaOperations();

    private final Map<String, Counts> counts = new ConcurrentSkipListMap<>();

    private ReplicaOperations() {
    }

    public static ReplicaOperations global() {
        return GLOBAL;
    }

    void succeeded(String replicaType, Operation op, long bytes) {
        Counts c = counts(replicaType, op);
        c.count.increment();
        c.bytes.add(bytes);
    }

    void failed(String replicaType, Operation op) {
        counts(replicaType, op).errors.increment();
    }

    /** Failed requests of one pair so far. */
    public long errors(String replicaType, Operation op) {
        Counts c = counts.get(key(replicaType, op));
        return c == null ? 0 : c.errors.sum();
    }

    /** The touched pairs, ordered by replica type and operation. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        counts.forEach((key, c) -> rows.add(new Row(c.replicaType, c.operation, c.count.sum(), c.bytes.sum(),
                c.errors.sum())));
        return rows;
    }

    private Counts counts(String replicaType, Operation op) {
        return counts.computeIfAbsent(key(replicaType, op), k -> new Counts(replicaType, op));
    }

    private static String key(String replicaType, Operation op) {
        return replicaType + "/" + op.name();
    }

    private static final class Counts {
        final String replicaType;
        final Operation operation;
        final LongAdder count = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder errors = new LongAdder();

        Counts(String replicaType, Operation operation) {
            this.replicaType = replicaType;
            this.operation = operation;
        }
    }
}
