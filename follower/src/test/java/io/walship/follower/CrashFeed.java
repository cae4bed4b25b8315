package io.walship.follower;

import io.walship.protocol.Pos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a stream would deliver, on disk for a child JVM: a snapshot and the primary's WAL ranges (1-3 commits each,
 * two WAL indexes), each range labelled with the workload counter {@code v} after it. The parent also keeps the
 * content digest of every committed state, to check that a crashed follower shows one of them.
 */
final class CrashFeed {
    record Range(Pos start, Pos end, Path file, long v) {
    }

    final Path dir;
    final Pos snapshotPos;
    final List<Range> ranges;
    final Map<Long, String> digestByV;
    final String finalDigest;

    private CrashFeed(Path dir, Pos snapshotPos, List<Range> ranges, Map<Long, String> digestByV, String finalDigest) {
        this.dir = dir;
        this.snapshotPos = snapshotPos;
        this.ranges = ranges;
        this.digestByV = digestByV;
        this.finalDigest = finalDigest;
    }

    static CrashFeed build(Path dir, int transactions) throws Exception {
        Files.createDirectories(dir);
        Map<Long, String> digests = new HashMap<>();
        List<Range> ranges = new ArrayList<>();
        try (TestPrimary p = new TestPrimary(dir.resolve("primary"), 4096)) {
            Files.write(dir.resolve("snapshot.db"), p.snapshot());
            Pos snapshotPos = p.snapshotPos();
            Workload w = new Workload(7);
            List<Long> vAtCommit = new ArrayList<>();
            Workload.init(p);
            vAtCommit.add(0L);
            digests.put(0L, digest(p));
            for (int v = 1; v <= transactions; v++) {
                w.step(p, v);
                vAtCommit.add((long) v);
                if (v % 40 == 0) {
                    vAtCommit.add((long) v);
                }
                digests.put((long) v, digest(p));
                if (v == transactions / 2) {
                    cut(p, vAtCommit, ranges, dir);
                    vAtCommit.clear();
                    p.discardUnfed();
                    p.checkpointRestart();
                }
            }
            cut(p, vAtCommit, ranges, dir);
            StringBuilder index = new StringBuilder(snapshotPos + "\n");
            for (Range r : ranges) {
                index.append(r.start).append(' ').append(r.end).append(' ').append(r.file.getFileName()).append(' ')
                        .append(r.v).append('\n');
            }
            Files.writeString(dir.resolve("ranges.txt"), index.toString());
            return new CrashFeed(dir, snapshotPos, ranges, digests, digest(p));
        }
    }

    /** Slices the current index's WAL at commit boundaries into ranges of 1-3 commits. */
    private static void cut(TestPrimary p, List<Long> vAtCommit, List<Range> out, Path dir) throws IOException {
        byte[] wal = p.wal();
        List<Long> commits = TestPrimary.commitOffsets(wal);
        if (commits.size() != vAtCommit.size()) {
            throw new IllegalStateException(commits.size() + " commits in the WAL, " + vAtCommit.size() + " expected");
        }
        long from = 0;
        int i = 0;
        while (i < commits.size()) {
            int take = Math.min(1 + i % 3, commits.size() - i);
            long end = commits.get(i + take - 1);
            Path file = dir.resolve(String.format("%04d.wal", out.size()));
            Files.write(file, Arrays.copyOfRange(wal, (int) from, (int) end));
            out.add(new Range(p.pos(from), p.pos(end), file, vAtCommit.get(i + take - 1)));
            from = end;
            i += take;
        }
    }

    static CrashFeed load(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("ranges.txt"));
        List<Range> ranges = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            ranges.add(new Range(Pos.parse(f[0]), Pos.parse(f[1]), dir.resolve(f[2]), Long.parseLong(f[3])));
        }
        return new CrashFeed(dir, Pos.parse(lines.get(0)), ranges, Map.of(), null);
    }

    /** The range a follower at {@code at} needs next: the one starting there, or the next index from offset 0. */
    Optional<Range> next(Pos at) {
        for (int i = 0; i < ranges.size(); i++) {
            Range r = ranges.get(i);
            if (r.start.equals(at)) {
                return Optional.of(r);
            }
            boolean lastOfIndex = i + 1 < ranges.size() && ranges.get(i + 1).start.index() != r.start.index();
            if (lastOfIndex && r.end.equals(at)) {
                return Optional.of(ranges.get(i + 1));
            }
        }
        return Optional.empty();
    }

    long vAt(Pos pos) {
        return ranges.stream().filter(r -> r.end.equals(pos)).findFirst()
                .orElseThrow(() -> new AssertionError("position " + pos + " is not the end of any range")).v;
    }

    static String digest(TestPrimary p) throws SQLException {
        return digest(DbContent.read(p.conn));
    }

    static String digest(Map<String, List<String>> content) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(content.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
